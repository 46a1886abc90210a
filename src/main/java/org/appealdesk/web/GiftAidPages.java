package org.appealdesk.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.appealdesk.giftaid.DeclarationForm;
import org.appealdesk.giftaid.DeclarationView;
import org.appealdesk.giftaid.DeclarationWording;
import org.appealdesk.giftaid.GiftAid;
import org.appealdesk.giftaid.TokenGift;
import org.appealdesk.platform.UkCalendar;

/**
 * The Gift Aid form behind each donation's personal link ({@code /g/TOKEN}, from the thank-you
 * text or the page after a card gift): HMRC's declaration wording, the donor's details, the tax
 * confirmation; and the page to see or cancel a declaration. Post, then redirect, so a reload never
 * submits twice; a second submission is recognised and stores nothing.
 */
final class GiftAidPages {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
    private static final Map<String, String> FIELD_IDS = Map.of(DeclarationForm.TITLE, "title", DeclarationForm.FIRST_NAME, "first-name",
            DeclarationForm.LAST_NAME, "last-name", DeclarationForm.HOUSE, "house", DeclarationForm.POSTCODE, "postcode", DeclarationForm.TAXPAYER, "taxpayer");

    private final GiftAid giftAid;

    GiftAidPages(GiftAid giftAid) {
        this.giftAid = giftAid;
    }

    void register(Javalin app) {
        app.get("/g/{token}", ctx -> {
            TokenGift gift = gift(ctx);
            Html.send(ctx, 200, page(gift, ctx.pathParam("token"), Map.of(), Map.of(), notice(ctx)), false);
        });
        app.post("/g/{token}", this::declare);
        app.post("/g/{token}/cancel", this::cancel);
    }

    private TokenGift gift(Context ctx) {
        return giftAid.gift(ctx.pathParam("token")).orElseThrow(GiftAidPages::notFound);
    }

    private static WebProblem notFound() {
        return WebProblem.page(404, "Gift not found", "We could not find a gift for this link. Check that the whole link from your text message"
                + " was copied, including the last characters.", null);
    }

    private void declare(Context ctx) {
        String token = ctx.pathParam("token");
        TokenGift gift = gift(ctx);
        Map<String, String> fields = Forms.read(ctx, gift.appeal().slug());
        switch (DeclarationForm.read(fields)) {
            case DeclarationForm.Result.Invalid invalid -> Html.send(ctx, 422, page(gift, token, fields, invalid.errors(), ""), false);
            case DeclarationForm.Result.Valid valid -> {
                switch (giftAid.declare(token, valid.declaration())) {
                    case GiftAid.DeclareResult.Declared declared -> redirect(ctx, token, "declared");
                    case GiftAid.DeclareResult.AlreadyCovered covered -> redirect(ctx, token, "already");
                    case GiftAid.DeclareResult.NotEligible notEligible -> throw WebProblem.page(409, "Gift Aid cannot be added",
                            "Gift Aid cannot be added because " + notEligible.reason() + ".", gift.appeal().slug());
                    case GiftAid.DeclareResult.NoSuchGift none -> throw notFound();
                }
            }
        }
    }

    private void cancel(Context ctx) {
        String token = ctx.pathParam("token");
        TokenGift gift = gift(ctx);
        Forms.read(ctx, gift.appeal().slug()); // the button sends an empty form; anything larger is refused like any form
        switch (giftAid.cancel(token)) {
            case GiftAid.CancelResult.Cancelled cancelled -> redirect(ctx, token, cancelled.claimedAlready() ? "cancelled-claimed" : "cancelled");
            case GiftAid.CancelResult.NothingToCancel nothing -> redirect(ctx, token, "nothing");
            case GiftAid.CancelResult.NoSuchGift none -> throw notFound();
        }
    }

    private static void redirect(Context ctx, String token, String done) {
        Html.headers(ctx, false);
        ctx.redirect("/g/" + token + "?done=" + done, HttpStatus.SEE_OTHER);
    }

    private static String notice(Context ctx) {
        String done = ctx.queryParam("done");
        if (done == null) {
            return "";
        }
        String text = switch (done) {
            case "declared" -> "Thank you. Gift Aid has been added.";
            case "already" -> "Gift Aid was already added; nothing has changed.";
            case "cancelled" -> "Your Gift Aid declaration has been cancelled. No Gift Aid will be claimed on these gifts.";
            case "cancelled-claimed" -> "Your Gift Aid declaration has been cancelled. Gift Aid already claimed before today stays claimed; nothing more will be.";
            case "nothing" -> "There was no Gift Aid declaration to cancel.";
            default -> null;
        };
        return text == null ? "" : "<div class=\"notice success\" role=\"status\"><p>" + Html.escape(text) + "</p></div>\n";
    }

    private String page(TokenGift gift, String token, Map<String, String> values, Map<String, String> errors, String notice) {
        String charity = Html.escape(gift.appeal().charity().name());
        String amount = Html.escape(gift.amount().format());
        String day = Html.escape(LocalDate.ofInstant(gift.madeAt(), UkCalendar.LONDON).format(DAY));
        StringBuilder body = new StringBuilder();
        if (!gift.mayDeclare()) {
            body.append("<h1>Gift Aid</h1>\n").append(notice).append("<p>Your ").append(amount).append(" gift of ").append(day)
                    .append(" was not charged, so you have not paid anything and there is no Gift Aid to add.</p>\n");
            return Html.page("Gift Aid", gift.appeal(), body.toString());
        }
        if (gift.declaration().isPresent()) {
            DeclarationView declaration = gift.declaration().get();
            body.append("<h1>Gift Aid is added to your gift</h1>\n").append(notice);
            body.append("<dl class=\"facts\">\n<dt>Gift</dt><dd>").append(amount).append(" to ").append(charity).append(" on ").append(day).append("</dd>\n")
                    .append("<dt>Declared by</dt><dd>").append(Html.escape(declaration.firstName() + " " + declaration.lastName())).append(", ")
                    .append(Html.escape(declaration.postcode())).append("</dd>\n<dt>Declared on</dt><dd>")
                    .append(Html.escape(LocalDate.ofInstant(declaration.madeAt(), UkCalendar.LONDON).format(DAY))).append("</dd>\n<dt>Covers</dt><dd>")
                    .append(declaration.scope() == DeclarationWording.Scope.ENDURING
                            ? "this gift, and your other gifts to " + charity + " from this mobile number through this service"
                            : "this gift")
                    .append("</dd>\n</dl>\n");
            body.append("<h2>Cancel your declaration</h2>\n<p>If you no longer pay enough UK tax, or gave this in error, you can cancel.</p>\n")
                    .append("<form method=\"post\" action=\"/g/").append(Html.escape(token)).append("/cancel\">\n")
                    .append("<button type=\"submit\" class=\"secondary\">Cancel my Gift Aid declaration</button>\n</form>\n");
            return Html.page("Gift Aid", gift.appeal(), body.toString());
        }
        DeclarationWording wording = gift.wording();
        body.append("<h1>Add Gift Aid to your ").append(amount).append(" gift</h1>\n").append(notice);
        body.append(ErrorSummary.html(errors, FIELD_IDS));
        body.append("<p class=\"lead\">").append(Html.escape(wording.intro())).append("</p>\n");
        body.append("<p>Your gift: ").append(amount).append(" to ").append(charity).append(" on ").append(day).append('.')
                .append(gift.isCharged() ? "" : " The payment is still being confirmed; Gift Aid is only claimed once it is.").append("</p>\n");
        body.append("<form method=\"post\" action=\"/g/").append(Html.escape(token)).append("\" novalidate>\n");
        body.append(field(DeclarationForm.TITLE, "title", "Title (optional)", "For example Mr, Mrs, Ms, Mx or Dr", "honorific-prefix", true, values, errors));
        body.append(field(DeclarationForm.FIRST_NAME, "first-name", "First name", null, "given-name", false, values, errors));
        body.append(field(DeclarationForm.LAST_NAME, "last-name", "Surname", null, "family-name", false, values, errors));
        body.append(field(DeclarationForm.HOUSE, "house", "House name or number", "Of your home address", "address-line1", false, values, errors));
        body.append(field(DeclarationForm.POSTCODE, "postcode", "Postcode", "A UK postcode, like SW1A 1AA", "postal-code", true, values, errors));
        boolean taxError = errors.containsKey(DeclarationForm.TAXPAYER);
        body.append("<div class=\"field").append(taxError ? " has-error" : "").append("\">\n<fieldset")
                .append(taxError ? " aria-describedby=\"taxpayer-error\"" : "").append(">\n<legend>Declaration</legend>\n");
        if (taxError) {
            body.append("<span class=\"error-message\" id=\"taxpayer-error\"><span class=\"visually-hidden\">Error: </span>")
                    .append(Html.escape(errors.get(DeclarationForm.TAXPAYER))).append("</span>\n");
        }
        body.append("<div class=\"checkbox\"><input type=\"checkbox\" id=\"taxpayer\" name=\"taxpayer\" value=\"").append(DeclarationForm.CONFIRMED).append('"')
                .append(DeclarationForm.CONFIRMED.equals(values.get(DeclarationForm.TAXPAYER)) ? " checked" : "").append(">\n<label for=\"taxpayer\">")
                .append(Html.escape(wording.statement())).append(' ').append(Html.escape(wording.taxpayer())).append("</label></div>\n</fieldset>\n</div>\n");
        body.append("<button type=\"submit\">Add Gift Aid</button>\n</form>\n");
        body.append("<h2>Good to know</h2>\n");
        for (String note : wording.notes()) {
            body.append("<p class=\"small\">").append(Html.escape(note)).append("</p>\n");
        }
        return Html.page("Add Gift Aid", gift.appeal(), body.toString());
    }

    private static String field(String name, String id, String label, String hint, String autocomplete, boolean shortInput,
                                Map<String, String> values, Map<String, String> errors) {
        boolean error = errors.containsKey(name);
        StringBuilder out = new StringBuilder("<div class=\"field").append(error ? " has-error" : "").append("\">\n");
        out.append("<label for=\"").append(id).append("\">").append(Html.escape(label));
        if (hint != null) {
            out.append("<span class=\"hint\" id=\"").append(id).append("-hint\">").append(Html.escape(hint)).append("</span>");
        }
        out.append("</label>\n");
        if (error) {
            out.append("<span class=\"error-message\" id=\"").append(id).append("-error\"><span class=\"visually-hidden\">Error: </span>")
                    .append(Html.escape(errors.get(name))).append("</span>\n");
        }
        String describedBy = ((hint != null ? id + "-hint " : "") + (error ? id + "-error" : "")).strip();
        out.append("<input type=\"text\"").append(shortInput ? " class=\"short\"" : "").append(" id=\"").append(id).append("\" name=\"").append(name)
                .append("\" autocomplete=\"").append(autocomplete).append("\" spellcheck=\"false\"")
                .append(describedBy.isEmpty() ? "" : " aria-describedby=\"" + describedBy + "\"").append(error ? " aria-invalid=\"true\"" : "")
                .append(" value=\"").append(Html.escape(values.getOrDefault(name, ""))).append("\">\n</div>\n");
        return out.toString();
    }
}
