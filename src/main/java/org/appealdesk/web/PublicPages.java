package org.appealdesk.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.appeal.PromoWording;
import org.appealdesk.totals.AppealTotals;
import org.appealdesk.totals.TotalsService;

/**
 * What the public and newsrooms read: the terms page, the promotion wording API, the embeddable
 * totaliser (an iframe page and a small script), the article appeal box snippet, the sample article
 * and the static assets. Every word about money and rules comes from the appeal's configuration.
 */
final class PublicPages {

    private static final DateTimeFormatter CLOSING = DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm", Locale.UK);

    private final AppealCatalog catalog;
    private final Function<String, AppealWebSettings> webSettings;
    private final TotalsService totals;
    private final boolean sampleArticle;
    private final String siteCss = resource("web/site.css");
    private final String widgetJs = resource("web/widget.js");
    private final String embedJs = resource("web/embed.js");

    PublicPages(AppealCatalog catalog, Function<String, AppealWebSettings> webSettings, TotalsService totals, boolean sampleArticle) {
        this.catalog = catalog;
        this.webSettings = webSettings;
        this.totals = totals;
        this.sampleArticle = sampleArticle;
    }

    void register(Javalin app) {
        app.get("/assets/site.css", ctx -> asset(ctx, "text/css; charset=utf-8", siteCss));
        app.get("/assets/widget.js", ctx -> asset(ctx, "text/javascript; charset=utf-8", widgetJs));
        app.get("/embed/totaliser.js", ctx -> {
            ctx.header("Access-Control-Allow-Origin", "*");
            asset(ctx, "text/javascript; charset=utf-8", embedJs);
        });
        app.get("/terms/{slug}", ctx -> Html.send(ctx, 200, terms(appealForPerson(ctx)), false));
        app.get("/widget/{slug}", ctx -> Html.send(ctx, 200, widget(appealForPerson(ctx)), true));
        app.get("/appeals/{slug}/box", ctx -> {
            Appeal appeal = appealForMachine(ctx);
            ctx.header("Access-Control-Allow-Origin", "*");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType("text/html; charset=utf-8").result(AppealBox.html(appeal, webSettings.apply(appeal.slug())));
        });
        app.get("/api/appeals/{slug}/promo", ctx -> {
            Appeal appeal = appealForMachine(ctx);
            ctx.header("Access-Control-Allow-Origin", "*");
            ctx.json(promoJson(appeal, webSettings.apply(appeal.slug())));
        });
        if (sampleArticle) {
            app.get("/sample-article/{slug}", ctx -> Html.send(ctx, 200, article(appealForPerson(ctx)), false));
        }
    }

    private Appeal appealForPerson(Context ctx) {
        String slug = ctx.pathParam("slug");
        return catalog.bySlug(slug).orElseThrow(() -> WebProblem.page(404, "Appeal not found",
                "There is no appeal at this address. Check the link, or look for the appeal on the page that sent you here.", null));
    }

    private Appeal appealForMachine(Context ctx) {
        String slug = ctx.pathParam("slug");
        return catalog.bySlug(slug).orElseThrow(() -> WebProblem.machine(404, "no appeal called '" + slug + "'"));
    }

    static Map<String, Object> promoJson(Appeal appeal, AppealWebSettings web) {
        PromoWording wording = PromoWording.of(appeal, web);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("appeal", appeal.slug());
        json.put("headline", wording.headline());
        json.put("howToText", wording.howToText());
        json.put("cost", wording.cost());
        json.put("charity", wording.charity());
        json.put("eligibility", wording.eligibility());
        json.put("noContact", wording.noContact());
        json.put("byCard", wording.byCard());
        json.put("terms", wording.terms());
        json.put("plainText", wording.plainText());
        json.put("donateUrl", PromoWording.donateUrl(appeal));
        json.put("termsUrl", PromoWording.termsUrl(appeal));
        json.put("boxHtml", AppealBox.html(appeal, web));
        return json;
    }

    private String terms(Appeal appeal) {
        AppealWebSettings web = webSettings.apply(appeal.slug());
        PromoWording wording = PromoWording.of(appeal, web);
        String charity = Html.escape(appeal.charity().name());
        String shortcode = Html.escape(appeal.routes().getFirst().shortcode());
        StringBuilder body = new StringBuilder();
        body.append("<h1>Terms of giving</h1>\n");
        body.append("<p class=\"lead\">").append(Html.escape(appeal.title())).append(" raises money for ").append(charity)
                .append(" (registered charity ").append(Html.escape(appeal.charity().registeredNumber())).append(").</p>\n");
        body.append("<h2>Giving by text</h2>\n<ul>\n");
        body.append("<li>").append(Html.escape(wording.howToText())).append("</li>\n");
        body.append("<li>").append(Html.escape(wording.cost())).append("</li>\n");
        body.append("<li>").append(Html.escape(wording.eligibility())).append("</li>\n");
        body.append("<li>One text gives at most ").append(Html.escape(appeal.maxPerText().format())).append(", and one phone number can give at most ")
                .append(Html.escape(appeal.dailyCapPerNumber().format())).append(" a day. A text over that limit is not charged, and you get a free text saying so.</li>\n");
        body.append("<li>Your gift is added to your phone bill or taken from your pay-as-you-go credit. Some networks charge a larger gift as two smaller charges.</li>\n");
        body.append("<li>You get a free thank-you text with a link to add Gift Aid. Texts that could not be charged cost you nothing but the standard message you sent.</li>\n");
        body.append("</ul>\n");
        body.append("<h2>Where your money goes</h2>\n<p>").append(Html.escape(wording.charity())).append(" Gifts go to the ")
                .append(Html.escape(appeal.designated().name())).append('.');
        if (appeal.designated().hasCap()) {
            body.append(" Once the ").append(Html.escape(appeal.designated().name())).append(" has received ")
                    .append(Html.escape(Html.pounds(appeal.designated().cap().pence()))).append(", further gifts go to ").append(charity).append("'s ")
                    .append(Html.escape(appeal.overflow().name())).append('.');
        }
        body.append("</p>\n");
        body.append("<h2>Stopping messages</h2>\n<ul>\n<li>Text STOP to ").append(shortcode).append(" to stop all messages from this service.</li>\n");
        body.append("<li>").append(Html.escape(wording.noContact())).append(" You can also text NOINFO to ").append(shortcode)
                .append(" at any time to stop fundraising contact.</li>\n</ul>\n");
        body.append("<h2>Giving by card</h2>\n<p>Give by card at <a href=\"/donate/").append(Html.escape(appeal.slug())).append("\">")
                .append(Html.escape(PromoWording.donateUrl(appeal))).append("</a>, from ").append(Html.escape(Html.pounds(web.cardAmountMin().pence())))
                .append(" to ").append(Html.escape(Html.pounds(web.cardAmountMax().pence()))).append(". Card payments are taken by Stripe; this service never sees your card details. ")
                .append(web.cardFullAmountToCharity() ? charity + " receives 100% of your card gift." : "The card processing fee is taken from card gifts.")
                .append("</p>\n");
        body.append("<h2>Gift Aid</h2>\n<p>If you pay UK tax, Gift Aid adds 25p to every £1 you give, at no cost to you. Use the link in your thank-you text,"
                + " or on the page after a card gift. You can cancel your declaration at any time with the same link.");
        if (web.closesAt() != null) {
            body.append(" The appeal closes on ").append(Html.escape(web.closesAt().format(CLOSING))).append(" (UK time); if you gave by text and have not")
                    .append(" added Gift Aid, you will get one free reminder text after that.");
        }
        body.append("</p>\n");
        body.append("<h2>Refunds</h2>\n<p>To ask for a refund, contact ").append(Html.escape(web.refundsContact()))
                .append(". Refunds of text gifts are also at the discretion of your mobile network.</p>\n");
        body.append("<h2>Who runs this appeal</h2>\n<p>").append(Html.escape(web.publisherName())).append(" runs this appeal for ").append(charity)
                .append(". Questions: ").append(Html.escape(appeal.charity().helpline())).append(".</p>\n");
        body.append("<h2>Your phone number</h2>\n<p>Your phone number is stored encrypted. It is used to charge and thank you, to send your Gift Aid link"
                + " and one reminder, and to answer your texts; it is never written in our records or logs in plain form.</p>\n");
        return Html.page("Terms of giving", appeal, body.toString());
    }

    private String widget(Appeal appeal) {
        AppealTotals current = totals.totals(appeal.slug()).orElse(null);
        long pence = current == null ? 0 : current.chargedPence();
        long count = current == null ? 0 : current.donationCount();
        String title = Html.escape(appeal.title());
        return "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>Live total – " + title + "</title>\n<link rel=\"stylesheet\" href=\"/assets/site.css\">\n"
                + "<script src=\"/assets/widget.js\" defer></script>\n</head>\n"
                + "<body class=\"widget\" data-appeal=\"" + Html.escape(appeal.slug()) + "\">\n<main class=\"widget-box\">\n"
                + "<p class=\"widget-raised\" aria-live=\"polite\" aria-atomic=\"true\"><span class=\"widget-total\" id=\"total\" data-pence=\"" + pence + "\">"
                + Html.escape(Html.pounds(pence)) + "</span> raised for " + Html.escape(appeal.charity().name()) + " from <span id=\"count\">" + count
                + "</span> <span id=\"gifts\">" + (count == 1 ? "gift" : "gifts") + "</span></p>\n"
                + "<p class=\"widget-for\"><a href=\"/donate/" + Html.escape(appeal.slug()) + "\" target=\"_top\">Donate</a> · "
                + Html.escape(appeal.designated().name()) + " · confirmed gifts only</p>\n"
                + "</main>\n</body>\n</html>\n";
    }

    private String article(Appeal appeal) {
        String box = AppealBox.html(appeal, webSettings.apply(appeal.slug()));
        String charity = Html.escape(appeal.charity().name());
        String body = "<article>\n<h1>Families fleeing conflict need your help this winter</h1>\n"
                + "<p class=\"byline\">Sample article: a demonstration of the appeal box as a newsroom would embed it.</p>\n"
                + "<p>Thousands of families have left their homes with little more than they could carry. " + charity
                + " teams are at the border with food, warm clothing, medicine and somewhere safe to rest.</p>\n"
                + "<p>Readers can help straight away: a text or a card gift goes to the appeal, and the total below moves as gifts are confirmed.</p>\n"
                + box
                + "<p>Volunteers say the first nights are the hardest. Blankets, hot drinks and a phone charge make more difference than people expect.</p>\n"
                + "<p>Every pound raised is shown live in the total, which counts only gifts that have been charged.</p>\n"
                + "<h2>Live total</h2>\n<p class=\"byline\">The same totaliser, placed by the embed script instead of the box:</p>\n"
                + "<div data-appealdesk-totaliser=\"" + Html.escape(appeal.slug()) + "\" data-title=\"Live total (embedded): " + Html.escape(appeal.title())
                + "\"></div>\n<script src=\"" + Html.escape(appeal.publicBaseUrl()) + "/embed/totaliser.js\" async></script>\n</article>\n";
        return Html.page("Sample article", appeal, body);
    }

    private static void asset(Context ctx, String contentType, String text) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.contentType(contentType).result(text);
    }

    private static String resource(String path) {
        try (InputStream in = PublicPages.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
