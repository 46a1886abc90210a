package org.appealdesk.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.appeal.PromoWording;
import org.appealdesk.donation.CardGifts;
import org.appealdesk.giftaid.GiftAid;
import org.appealdesk.giftaid.TokenGift;
import org.appealdesk.platform.Money;

/**
 * The donate page of each appeal (suggested amounts and a custom amount within the appeal's card
 * limits), the hand-over to Stripe Checkout, and the thank-you page the donor comes back to. The
 * form is checked before anything is stored; the gift is stored before Stripe is asked (its request
 * id is the idempotency key); the thank-you page only reports what the webhook has confirmed.
 */
final class DonatePages {

    static final String AMOUNT = "amount";
    static final String OTHER_AMOUNT = "otherAmount";
    static final String OTHER = "other";

    private final AppealCatalog catalog;
    private final Function<String, AppealWebSettings> webSettings;
    private final CardGifts cardGifts;
    private final GiftAid giftAid;
    private final StripeCheckout checkout; // null when card payments are off

    DonatePages(AppealCatalog catalog, Function<String, AppealWebSettings> webSettings, CardGifts cardGifts, GiftAid giftAid, StripeCheckout checkout) {
        this.catalog = catalog;
        this.webSettings = webSettings;
        this.cardGifts = cardGifts;
        this.giftAid = giftAid;
        this.checkout = checkout;
    }

    void register(Javalin app) {
        app.get("/donate/{slug}", ctx -> {
            Appeal appeal = appeal(ctx);
            String notice = ctx.queryParam("cancelled") != null
                    ? "<div class=\"notice warning\" role=\"status\"><p>You left the card payment page, so you have not been charged. You can choose an amount and try again.</p></div>\n"
                    : "";
            Html.send(ctx, 200, form(appeal, notice, Map.of(), Map.of()), false);
        });
        app.post("/donate/{slug}", this::give);
        app.get("/donate/{slug}/thank-you", ctx -> Html.send(ctx, 200, thankYou(appeal(ctx), ctx.queryParam("gift")), false));
    }

    private Appeal appeal(Context ctx) {
        String slug = ctx.pathParam("slug");
        return catalog.bySlug(slug).orElseThrow(() -> WebProblem.page(404, "Appeal not found",
                "There is no appeal at this address. Check the link, or look for the appeal on the page that sent you here.", null));
    }

    private void give(Context ctx) {
        Appeal appeal = appeal(ctx);
        Map<String, String> fields = Forms.read(ctx, appeal.slug());
        AppealWebSettings web = webSettings.apply(appeal.slug());
        Map<String, String> errors = new LinkedHashMap<>();
        Money amount = amount(fields, web, errors);
        if (amount == null) {
            Html.send(ctx, 422, form(appeal, "", fields, errors), false);
            return;
        }
        if (checkout == null) {
            throw WebProblem.page(503, "Card giving is not available", "Card payments are not switched on for this appeal, so you have not been charged. "
                    + PromoWording.of(appeal, web).howToText(), appeal.slug());
        }
        CardGifts.CardGift gift = cardGifts.start(appeal, amount);
        String base = appeal.publicBaseUrl() + "/donate/" + appeal.slug();
        StripeCheckout.Outcome outcome = checkout.create(gift, "Donation to " + appeal.charity().name() + ": " + appeal.title(),
                base + "/thank-you?gift=" + gift.giftAidToken(), base + "?cancelled=1");
        switch (outcome) {
            case StripeCheckout.Outcome.Created created -> {
                Html.headers(ctx, false);
                ctx.redirect(created.url(), io.javalin.http.HttpStatus.SEE_OTHER);
            }
            case StripeCheckout.Outcome.Unavailable unavailable -> {
                // No checkout page reached the donor, so nothing can be paid: the gift is closed as failed.
                cardGifts.failed(gift.requestId(), "checkout_unavailable: " + unavailable.reason(), false);
                throw WebProblem.page(503, "Card payments are not working right now",
                        "We could not reach the card payment service, so you have not been charged. Please try again in a few minutes. "
                                + PromoWording.of(appeal, web).howToText(), appeal.slug());
            }
        }
    }

    /** The chosen amount, or null with the reasons in {@code errors}. */
    static Money amount(Map<String, String> fields, AppealWebSettings web, Map<String, String> errors) {
        String choice = fields.getOrDefault(AMOUNT, "").strip();
        String other = fields.getOrDefault(OTHER_AMOUNT, "").strip();
        String limits = Html.pounds(web.cardAmountMin().pence()) + " to " + Html.pounds(web.cardAmountMax().pence());
        if (!choice.isEmpty() && !OTHER.equals(choice)) {
            Optional<Money> suggested = web.suggestedAmounts().stream().filter(m -> m.toDecimalString().equals(choice) || m.format().equals("£" + choice)
                    || String.valueOf(m.pence() / 100).equals(choice) && m.pence() % 100 == 0).findFirst();
            if (suggested.isEmpty()) {
                errors.put(AMOUNT, "Choose one of the amounts, or enter another amount");
                return null;
            }
            return suggested.get();
        }
        if (other.isEmpty()) {
            errors.put(choice.isEmpty() ? AMOUNT : OTHER_AMOUNT, choice.isEmpty() ? "Choose an amount to give" : "Enter an amount in pounds, like 7.50");
            return null;
        }
        Money amount;
        try {
            amount = Money.parsePounds(other.replace(",", ""));
        } catch (IllegalArgumentException e) {
            errors.put(OTHER_AMOUNT, "Enter an amount in pounds and pence, like 7.50, from " + limits);
            return null;
        }
        if (!web.allowsCardAmount(amount)) {
            errors.put(OTHER_AMOUNT, "Enter an amount from " + limits);
            return null;
        }
        return amount;
    }

    private String form(Appeal appeal, String notice, Map<String, String> values, Map<String, String> errors) {
        AppealWebSettings web = webSettings.apply(appeal.slug());
        PromoWording wording = PromoWording.of(appeal, web);
        String slug = Html.escape(appeal.slug());
        String charity = Html.escape(appeal.charity().name());
        StringBuilder body = new StringBuilder();
        body.append("<h1>Donate to ").append(Html.escape(appeal.title())).append("</h1>\n");
        body.append(notice);
        body.append(ErrorSummary.html(errors, Map.of(AMOUNT, "amount-" + web.suggestedAmounts().getFirst().toDecimalString().replace('.', '-'),
                OTHER_AMOUNT, "other-amount")));
        body.append("<p class=\"lead\">Your gift goes to ").append(charity).append(" (registered charity ")
                .append(Html.escape(appeal.charity().registeredNumber())).append(") for the ").append(Html.escape(appeal.designated().name())).append(".</p>\n");
        body.append(web.cardFullAmountToCharity() ? "<p>" + charity + " receives 100% of your card gift.</p>\n"
                : "<p>A card processing fee is taken from card gifts.</p>\n");
        if (checkout == null) {
            body.append("<div class=\"notice warning\" role=\"status\"><p>Card giving is not available right now. You can give by text: ")
                    .append(Html.escape(wording.howToText())).append("</p></div>\n");
        } else {
            body.append(amountForm(appeal, web, values, errors));
        }
        body.append("<h2>Or give by text</h2>\n<p>").append(Html.escape(wording.howToText())).append("</p>\n<p class=\"small\">");
        for (String line : wording.smallPrint()) {
            if (!line.equals(wording.terms())) {
                body.append(Html.escape(line)).append(' ');
            }
        }
        body.append("<a href=\"/terms/").append(slug).append("\">Full terms of giving</a>.</p>\n");
        body.append("<iframe class=\"totaliser-frame\" src=\"/widget/").append(slug).append("\" title=\"Live total: ")
                .append(Html.escape(appeal.title())).append("\"></iframe>\n");
        return Html.page("Donate", appeal, body.toString());
    }

    private String amountForm(Appeal appeal, AppealWebSettings web, Map<String, String> values, Map<String, String> errors) {
        String chosen = values.getOrDefault(AMOUNT, web.suggestedAmounts().contains(appeal.defaultPrice())
                ? appeal.defaultPrice().toDecimalString() : web.suggestedAmounts().getFirst().toDecimalString());
        StringBuilder form = new StringBuilder();
        form.append("<form method=\"post\" action=\"/donate/").append(Html.escape(appeal.slug())).append("\" novalidate>\n");
        boolean amountError = errors.containsKey(AMOUNT);
        form.append("<div class=\"field").append(amountError ? " has-error" : "").append("\">\n<fieldset")
                .append(amountError ? " aria-describedby=\"amount-error\"" : "").append(">\n<legend>Choose an amount</legend>\n");
        if (amountError) {
            form.append("<span class=\"error-message\" id=\"amount-error\"><span class=\"visually-hidden\">Error: </span>")
                    .append(Html.escape(errors.get(AMOUNT))).append("</span>\n");
        }
        form.append("<div class=\"amounts\">\n");
        for (Money amount : web.suggestedAmounts()) {
            String value = amount.toDecimalString();
            String id = "amount-" + value.replace('.', '-');
            form.append("<div class=\"amount\"><input type=\"radio\" name=\"amount\" id=\"").append(id).append("\" value=\"").append(value).append('"')
                    .append(value.equals(chosen) ? " checked" : "").append("><label for=\"").append(id).append("\">")
                    .append(Html.escape(amount.format())).append("</label></div>\n");
        }
        form.append("<div class=\"amount\"><input type=\"radio\" name=\"amount\" id=\"amount-other\" value=\"other\"")
                .append(OTHER.equals(chosen) ? " checked" : "").append("><label for=\"amount-other\">Other</label></div>\n</div>\n");
        boolean otherError = errors.containsKey(OTHER_AMOUNT);
        form.append("<div class=\"field").append(otherError ? " has-error" : "").append("\">\n<label for=\"other-amount\">Other amount, in pounds")
                .append("<span class=\"hint\" id=\"other-amount-hint\">Choose Other and enter any amount from ")
                .append(Html.escape(Html.pounds(web.cardAmountMin().pence()))).append(" to ").append(Html.escape(Html.pounds(web.cardAmountMax().pence()))).append("</span></label>\n");
        if (otherError) {
            form.append("<span class=\"error-message\" id=\"other-amount-error\"><span class=\"visually-hidden\">Error: </span>")
                    .append(Html.escape(errors.get(OTHER_AMOUNT))).append("</span>\n");
        }
        form.append("<input type=\"text\" class=\"short\" id=\"other-amount\" name=\"otherAmount\" inputmode=\"decimal\" autocomplete=\"transaction-amount\"")
                .append(" spellcheck=\"false\" aria-describedby=\"other-amount-hint").append(otherError ? " other-amount-error\" aria-invalid=\"true" : "")
                .append("\" value=\"").append(Html.escape(values.getOrDefault(OTHER_AMOUNT, ""))).append("\">\n</div>\n");
        form.append("</fieldset>\n</div>\n");
        form.append("<button type=\"submit\">Donate by card</button>\n");
        form.append("<p class=\"small\">You pay on Stripe's secure page; this service never sees your card details.</p>\n</form>\n");
        return form.toString();
    }

    private String thankYou(Appeal appeal, String token) {
        Optional<TokenGift> found = token == null ? Optional.empty() : giftAid.gift(token);
        if (found.isEmpty() || !found.get().appeal().slug().equals(appeal.slug()) || !CardGifts.CHANNEL.equals(found.get().channel())) {
            throw WebProblem.page(404, "Gift not found", "We could not find that gift. If you were charged, your bank statement and Stripe's"
                    + " receipt show it; questions to " + appeal.charity().helpline() + ".", appeal.slug());
        }
        TokenGift gift = found.get();
        String amount = Html.escape(gift.amount().format());
        String charity = Html.escape(appeal.charity().name());
        StringBuilder body = new StringBuilder();
        switch (gift.state()) {
            case "CHARGED" -> body.append("<h1>Thank you</h1>\n<div class=\"notice success\" role=\"status\"><p>Your ").append(amount)
                    .append(" gift to ").append(charity).append(" has been received.</p></div>\n");
            case "FAILED", "REJECTED" -> body.append("<h1>Your payment did not go through</h1>\n<div class=\"notice warning\" role=\"status\"><p>You have not been charged.")
                    .append(" You can <a href=\"/donate/").append(Html.escape(appeal.slug())).append("\">try again</a>.</p></div>\n");
            default -> body.append("<h1>Thank you</h1>\n<div class=\"notice\" role=\"status\"><p>We are waiting for the card payment service to confirm your ")
                    .append(amount).append(" gift to ").append(charity).append(". It will appear in the total as soon as it is confirmed. <a href=\"?gift=")
                    .append(Html.escape(token)).append("\">Check again</a>.</p></div>\n");
        }
        if (gift.mayDeclare()) {
            body.append("<h2>Add Gift Aid</h2>\n<p>If you pay UK tax, ").append(charity).append(" can claim 25p for every £1 you gave, at no cost to you.</p>\n")
                    .append("<p><a class=\"button\" href=\"/g/").append(Html.escape(token)).append("\">")
                    .append(gift.declaration().isPresent() ? "See your Gift Aid declaration" : "Add Gift Aid to my gift").append("</a></p>\n");
        }
        body.append("<iframe class=\"totaliser-frame\" src=\"/widget/").append(Html.escape(appeal.slug())).append("\" title=\"Live total: ")
                .append(Html.escape(appeal.title())).append("\"></iframe>\n");
        return Html.page("Thank you", appeal, body.toString());
    }
}
