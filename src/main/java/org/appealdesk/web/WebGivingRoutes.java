package org.appealdesk.web;

import io.javalin.Javalin;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Function;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.donation.CardGifts;
import org.appealdesk.giftaid.GiftAid;
import org.appealdesk.platform.Database;
import org.appealdesk.totals.TotalsService;

/**
 * Everything a donor or a newsroom sees on the web, wired into the server in one place: the donate
 * and thank-you pages, the Gift Aid form, the terms, the totaliser widget and script, the appeal box
 * and promotion API, the sample article, and Stripe's webhook. Also the one mapping from
 * {@link WebProblem} to a response: a plain page for people, JSON with a 4xx for machines.
 *
 * <p>Routes (all public):
 * <pre>
 *   GET  /donate/{slug}                 donate page            POST /donate/{slug}   start a card gift, go to Stripe
 *   GET  /donate/{slug}/thank-you?gift= after Stripe           GET  /terms/{slug}    terms of giving
 *   GET  /g/{token}                     Gift Aid form          POST /g/{token}       declare; POST /g/{token}/cancel
 *   GET  /widget/{slug}                 totaliser iframe page  GET  /embed/totaliser.js  script that places it
 *   GET  /appeals/{slug}/box            appeal box snippet     GET  /api/appeals/{slug}/promo  wording as JSON
 *   GET  /sample-article/{slug}         demo article (when configured)
 *   POST /stripe/webhook                Stripe's signed events
 * </pre>
 */
public final class WebGivingRoutes implements WebServer.Routes {

    private final AppealCatalog catalog;
    private final DonatePages donate;
    private final GiftAidPages giftAid;
    private final PublicPages publicPages;
    private final StripeWebhook webhook; // null when card payments are off

    /**
     * @param stripe null when card payments are off: the donate page then offers text giving only,
     *               and the webhook answers 404
     */
    public WebGivingRoutes(AppealCatalog catalog, Function<String, AppealWebSettings> webSettings, CardGifts cardGifts, GiftAid giftAidService,
                           TotalsService totals, Database database, StripeSettings stripe, boolean sampleArticle, InstantSource clock) {
        this.catalog = catalog;
        StripeCheckout checkout = stripe == null ? null : new StripeCheckout(stripe, clock);
        this.donate = new DonatePages(catalog, webSettings, cardGifts, giftAidService, checkout);
        this.giftAid = new GiftAidPages(giftAidService);
        this.publicPages = new PublicPages(catalog, webSettings, totals, sampleArticle);
        this.webhook = stripe == null ? null : new StripeWebhook(cardGifts, database, stripe, clock);
    }

    @Override
    public void register(Javalin app) {
        publicPages.register(app);
        donate.register(app);
        giftAid.register(app);
        app.post("/stripe/webhook", ctx -> {
            if (webhook == null) {
                throw WebProblem.machine(404, "card payments are not configured here");
            }
            if (ctx.contentLength() > StripeWebhook.BODY_BYTES_MAX) {
                throw WebProblem.machine(413, "body larger than " + StripeWebhook.BODY_BYTES_MAX + " bytes");
            }
            StripeWebhook.Answer answer = webhook.handle(ctx.bodyAsBytes(), ctx.header("Stripe-Signature"));
            ctx.status(answer.status()).json(answer.json());
        });
        app.exception(WebProblem.class, (problem, ctx) -> {
            switch (problem.audience) {
                case MACHINE -> ctx.status(problem.status).json(Map.of("error", problem.getMessage()));
                case PERSON -> {
                    Appeal appeal = problem.slug == null ? null : catalog.bySlug(problem.slug).orElse(null);
                    String body = "<h1>" + Html.escape(problem.title) + "</h1>\n<p>" + Html.escape(problem.getMessage()) + "</p>\n"
                            + (appeal == null ? "" : "<p><a href=\"/donate/" + Html.escape(appeal.slug()) + "\">Back to the donate page</a></p>\n");
                    Html.send(ctx, problem.status, Html.page(problem.title, appeal, body), false);
                }
            }
        });
    }
}
