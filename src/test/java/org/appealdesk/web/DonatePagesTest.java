package org.appealdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.appealdesk.support.StripeStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The donate page and its hand-over to Stripe, the terms, the promotion API, the appeal box and the widget, over real HTTP. */
class DonatePagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private WebGivingHarness harness;

    @BeforeEach
    void start() {
        harness = new WebGivingHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theDonatePageOffersTheConfiguredAmountsNamesTheCharityAndSays100PercentOnlyForTexts() {
        // Proves: the page offers £3/£5/£10 and another amount within the limits, names the charity and its number, says "100%" for
        // text gifts (nothing deducted) but not for cards (fees deducted), and carries the protective headers.
        HttpResponse<String> page = harness.get("/donate/sun-ukraine");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(">£3<", ">£5<", ">£10<", "Other amount", "£1 to £1,000", "British Red Cross", "220949",
                "receives 100% of your text donation", "A card processing fee is taken from card gifts", "Text SUN5 to 70141 to give £5.",
                "Texts cost £5 + one standard network rate message", "16 or over", "bill payer", "/widget/sun-ukraine");
        assertThat(page.body()).doesNotContain("100% of your card");
        assertThat(page.body()).contains("id=\"amount-5-00\" value=\"5.00\" checked");
        assertThat(harness.headers(page).get("csp")).contains("frame-ancestors 'self'");
        assertThat(harness.headers(page).get("referrer")).isEqualTo("no-referrer");
    }

    @Test
    void whenCardGiftsArriveInFullThePageSays100PercentForCardsToo() {
        // Proves: "100%" for cards appears only when the appeal's web settings say nothing is deducted from card gifts.
        harness.close();
        harness = new WebGivingHarness(true, Duration.ofMillis(100));
        assertThat(harness.get("/donate/sun-ukraine").body()).contains("British Red Cross receives 100% of your card gift");
        assertThat(harness.get("/api/appeals/sun-ukraine/promo").body()).contains("receives 100% of your donation");
    }

    @Test
    void givingFivePoundsStoresTheGiftThenCreatesOneCheckoutWithItsRequestIdAsIdempotencyKey() {
        // Proves: the form stores the gift as CHARGING before Stripe is called, passes its request id as the idempotency key and in the
        // metadata, asks for exactly £5.00 in GBP, redirects the donor to the checkout page, and counts nothing until the webhook.
        String checkoutUrl = harness.giveByCard("amount=5.00");
        assertThat(checkoutUrl).startsWith(harness.stripe.apiBase() + "/pay/cs_test_");
        String requestId = (String) harness.sql("select request_id from charge_part");
        StripeStandIn.CreateCall call = harness.stripe.createCalls().getFirst();
        assertThat(harness.stripe.createCalls()).hasSize(1);
        assertThat(call.idempotencyKey()).isEqualTo(requestId);
        assertThat(call.params()).containsEntry("metadata[request_id]", requestId).containsEntry("client_reference_id", requestId)
                .containsEntry("line_items[0][price_data][unit_amount]", "500").containsEntry("line_items[0][price_data][currency]", "gbp")
                .containsEntry("mode", "payment");
        assertThat(call.params().get("success_url")).startsWith(harness.appeal.publicBaseUrl() + "/donate/sun-ukraine/thank-you?gift=");
        assertThat(harness.sql("select state from donation")).isEqualTo("CHARGING");
        assertThat(harness.sql("select channel from donation")).isEqualTo("web");
        assertThat(harness.chargedPence()).isZero();

        String other = harness.giveByCard("amount=other&otherAmount=%C2%A37.50");
        assertThat(other).contains("/pay/");
        assertThat(harness.sql("select count(*) from donation where amount_pence = 750")).isEqualTo(1L);
    }

    @Test
    void badAmountsAndBadRequestsGetClearAnswersAndStoreNothing() {
        // Proves: missing, malformed, too small, too large and scripted amounts are re-shown with a plain message (422); wrong content type,
        // an oversized form and an unknown appeal get 415/413/404 pages without stack traces; nothing is stored and Stripe is never called.
        String[][] cases = {
                {"", "Choose an amount to give"},
                {"amount=7.00", "Choose one of the amounts"},
                {"amount=other&otherAmount=", "Enter an amount in pounds"},
                {"amount=other&otherAmount=abc", "like 7.50"},
                {"amount=other&otherAmount=0.50", "Enter an amount from £1 to £1,000"},
                {"amount=other&otherAmount=5000", "Enter an amount from £1 to £1,000"},
                {"amount=other&otherAmount=5.555", "like 7.50"},
                {"amount=other&otherAmount=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "like 7.50"},
        };
        for (String[] bad : cases) {
            HttpResponse<String> response = harness.postForm("/donate/sun-ukraine", bad[0]);
            assertThat(response.statusCode()).as(bad[0]).isEqualTo(422);
            assertThat(response.body()).as(bad[0]).contains("There is a problem", bad[1]).doesNotContain("<script>alert");
        }
        HttpResponse<String> echoed = harness.postForm("/donate/sun-ukraine", cases[7][0]);
        assertThat(echoed.body()).contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"");

        HttpResponse<String> json = harness.send(HttpRequest.newBuilder(URI.create(harness.url("/donate/sun-ukraine")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"amount\":5}")).build());
        assertThat(json.statusCode()).isEqualTo(415);
        HttpResponse<String> oversized = harness.postForm("/donate/sun-ukraine", "amount=5.00&pad=" + "x".repeat(20_000));
        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(oversized.body()).contains("too large").doesNotContain("Exception");
        HttpResponse<String> twice = harness.postForm("/donate/sun-ukraine", "amount=5.00&amount=10.00");
        assertThat(twice.statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = harness.get("/donate/no-such-appeal");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Appeal not found").doesNotContain("Exception");
        assertThat(harness.postForm("/donate/%3Cscript%3E", "amount=5.00").statusCode()).isEqualTo(404);

        assertThat(harness.count("donation")).isZero();
        assertThat(harness.stripe.createCalls()).isEmpty();
    }

    @Test
    void whenStripeFailsOrTimesOutTheDonorIsToldTheyWereNotChargedAndTheGiftIsClosed() {
        // Proves: Stripe failing every try, or not answering within the timeout, gives the donor a 503 page saying they were not charged
        // (with text giving instead); the stored gift is FAILED, never counted; a single transient failure is retried by the client with
        // the same idempotency key and makes exactly one checkout.
        harness.stripe.failNextCreates(StripeStandIn.Failure.SERVER_ERROR, 10);
        HttpResponse<String> down = harness.postForm("/donate/sun-ukraine", "amount=5.00");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("you have not been charged", "Text SUN5 to 70141").doesNotContain("Exception");
        assertThat(harness.sql("select state from donation")).isEqualTo("FAILED");
        assertThat(harness.stripe.createCalls()).hasSize(3).extracting(StripeStandIn.CreateCall::idempotencyKey).containsOnly(
                (String) harness.sql("select request_id from charge_part"));

        harness.stripe.timeoutPause(Duration.ofMillis(WebGivingHarness.STRIPE_TIMEOUT_MS * 3L));
        harness.stripe.failNextCreates(StripeStandIn.Failure.TIMEOUT, 10);
        HttpResponse<String> slow = harness.postForm("/donate/sun-ukraine", "amount=10.00");
        assertThat(slow.statusCode()).isEqualTo(503);
        assertThat(harness.sql("select state from donation where amount_pence = 1000")).isEqualTo("FAILED");

        harness.stripe.clearFailures();
        harness.stripe.failNextCreates(StripeStandIn.Failure.CARD_DECLINED_400, 1);
        assertThat(harness.postForm("/donate/sun-ukraine", "amount=3.00").statusCode()).isEqualTo(503);
        assertThat(harness.count("donation where state = 'FAILED'")).isEqualTo(3);

        harness.stripe.failNextCreates(StripeStandIn.Failure.SERVER_ERROR, 1);
        int before = harness.stripe.createCalls().size();
        assertThat(harness.giveByCard("amount=5.00")).contains("/pay/");
        assertThat(harness.stripe.sessions()).hasSize(1);
        assertThat(harness.stripe.createCalls().subList(before, harness.stripe.createCalls().size()))
                .hasSize(2).extracting(StripeStandIn.CreateCall::idempotencyKey).containsOnly(harness.stripe.onlySession().requestId());
        assertThat(harness.chargedPence()).isZero();
    }

    @Test
    void theThankYouPageShowsOnlyWhatTheWebhookConfirmedAndLinksToGiftAid() {
        // Proves: coming back from Stripe before the webhook says "waiting", after it says "received"; it links to the gift's Gift Aid
        // form; a made-up gift token gets a 404 page.
        harness.giveByCard("amount=5.00");
        String token = (String) harness.sql("select gift_aid_token from donation");
        HttpResponse<String> early = harness.get("/donate/sun-ukraine/thank-you?gift=" + token);
        assertThat(early.body()).contains("waiting for the card payment service to confirm").contains("/g/" + token);
        harness.stripe.deliver("checkout.session.completed", harness.stripe.onlySession(), "paid");
        assertThat(harness.get("/donate/sun-ukraine/thank-you?gift=" + token).body()).contains("Your £5 gift to British Red Cross has been received");
        assertThat(harness.get("/donate/sun-ukraine/thank-you?gift=AAAAAAAAAAAA").statusCode()).isEqualTo(404);
        assertThat(harness.get("/donate/sun-ukraine/thank-you").statusCode()).isEqualTo(404);
    }

    @Test
    void termsPromoBoxAndWidgetAreGeneratedFromConfiguration() throws Exception {
        // Proves: the terms state the cost per text plus one standard message, the charity, 16+ and bill payer, the caps, how to stop and
        // the refunds contact; the promotion API and appeal box carry the generated wording, the totaliser and the donate link; the widget
        // may be framed anywhere; unknown appeals are 404 (JSON for machines).
        String terms = harness.get("/terms/sun-ukraine").body();
        assertThat(terms).contains("Texts cost £5 + one standard network rate message", "British Red Cross", "220949", "16 or over",
                "bill payer", "at most £20", "at most £30 a day", "Text STOP to 70141", "SUNNOINFO5", "the supporter team on 0344 871 11 11",
                "The Sun runs this appeal", "Ukraine Crisis Appeal", "Disaster Fund", "£250,000", "31 March 2027");

        HttpResponse<String> promo = harness.get("/api/appeals/sun-ukraine/promo");
        assertThat(promo.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(promo.body());
        assertThat(json.get("howToText").asText()).isEqualTo("Text SUN5 to 70141 to give £5. Or text SUN3, SUN10 or SUN20 to give £3, £10 or £20.");
        assertThat(json.get("plainText").asText()).contains("Texts cost £5 + one standard network rate message", "receives 100% of your text donation");
        assertThat(json.get("boxHtml").asText()).contains("<aside class=\"appealdesk-box\"", harness.appeal.publicBaseUrl() + "/widget/sun-ukraine",
                harness.appeal.publicBaseUrl() + "/donate/sun-ukraine", "Donate here");
        HttpResponse<String> box = harness.get("/appeals/sun-ukraine/box");
        assertThat(box.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(box.body()).isEqualTo(json.get("boxHtml").asText());

        HttpResponse<String> widget = harness.get("/widget/sun-ukraine");
        assertThat(widget.body()).contains("id=\"total\"", ">£0<", "British Red Cross", "/assets/widget.js");
        assertThat(harness.headers(widget).get("csp")).contains("frame-ancestors *");
        assertThat(harness.get("/embed/totaliser.js").body()).contains("data-appealdesk-totaliser");
        assertThat(harness.get("/sample-article/sun-ukraine").body()).contains("appealdesk-box");

        HttpResponse<String> unknown = harness.get("/api/appeals/nope/promo");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"no appeal called 'nope'\"}");
        assertThat(harness.get("/terms/nope").statusCode()).isEqualTo(404);
    }
}
