package org.appealdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.appealdesk.support.StripeStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stripe's webhook over real HTTP: only a verified signature moves money, once, whatever the order of delivery. */
class StripeWebhookTest {

    private WebGivingHarness harness;
    private StripeStandIn.Session session;

    @BeforeEach
    void startAGift() {
        harness = new WebGivingHarness();
        harness.giveByCard("amount=5.00");
        session = harness.stripe.onlySession();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private String state() {
        return (String) harness.sql("select state from donation");
    }

    @Test
    void forgedMissingStaleOrTamperedSignaturesAreRefusedAndChangeNothing() {
        // Proves: a webhook signed with the wrong secret, with no signature, with a signature of another body, or signed longer ago than the
        // tolerance (a replay) gets a 400 with a reason and changes nothing; the same body correctly signed then counts.
        String payload = harness.stripe.eventJson("evt_forged1", "checkout.session.completed", session, "paid");
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> forged = harness.stripe.post(payload, StripeStandIn.signatureHeader(payload, now, "whsec_not_the_secret_at_all"));
        HttpResponse<String> missing = harness.stripe.post(payload, null);
        String other = harness.stripe.eventJson("evt_forged2", "checkout.session.completed", session, "paid");
        HttpResponse<String> tampered = harness.stripe.post(payload, StripeStandIn.signatureHeader(other, now, StripeStandIn.WEBHOOK_SECRET));
        HttpResponse<String> stale = harness.stripe.post(payload, StripeStandIn.signatureHeader(payload, now - 3_600, StripeStandIn.WEBHOOK_SECRET));
        HttpResponse<String> garbage = harness.stripe.post(payload, "t=abc,v1=zzz");
        for (HttpResponse<String> refused : new HttpResponse[] {forged, missing, tampered, stale, garbage}) {
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("\"error\"").doesNotContain("Exception").doesNotContain("at org.");
        }
        assertThat(missing.body()).contains("missing Stripe-Signature");
        assertThat(stale.body()).containsIgnoringCase("tolerance");
        assertThat(state()).isEqualTo("CHARGING");
        assertThat(harness.chargedPence()).isZero();
        assertThat(harness.count("card_webhook_event")).isZero();

        HttpResponse<String> genuine = harness.stripe.post(payload, StripeStandIn.signatureHeader(payload, now, StripeStandIn.WEBHOOK_SECRET));
        assertThat(genuine.statusCode()).isEqualTo(200);
        assertThat(state()).isEqualTo("CHARGED");
        assertThat(harness.chargedPence()).isEqualTo(500);
    }

    @Test
    void aDuplicateDeliveryIsCountedOnce() {
        // Proves: the same event delivered twice (Stripe delivers at least once), and a second distinct "completed" event for the same
        // payment, book £5 once: one donation, one journal, the totals move by £5, and the ledger verifies.
        harness.stripe.deliverTwice(true);
        HttpResponse<String> second = harness.stripe.deliver("checkout.session.completed", session, "paid");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"duplicate\":true");
        harness.stripe.deliverTwice(false);
        assertThat(harness.stripe.deliver("checkout.session.completed", session, "paid").statusCode()).isEqualTo(200);

        assertThat(state()).isEqualTo("CHARGED");
        assertThat(harness.count("journal")).isEqualTo(1);
        assertThat(harness.chargedPence()).isEqualTo(500);
        assertThat(harness.core.totals.totals(WebGivingHarness.SLUG).orElseThrow().donationCount()).isEqualTo(1);
        assertThat(((Number) harness.sql("select sum(repeats) from card_webhook_event")).longValue()).isEqualTo(1);
        assertThat(harness.core.verifier.verify().passed()).isTrue();
    }

    @Test
    void outOfOrderEventsSettleOnTheRightOutcome() {
        // Proves: a delayed payment's success arriving before its "completed (unpaid)" event charges once; an "expired" arriving after the
        // payment does not undo it; and a late success after a failure is never counted.
        harness.stripe.deliver("checkout.session.async_payment_succeeded", session, "paid");
        harness.stripe.deliver("checkout.session.completed", session, "unpaid");
        harness.stripe.deliver("checkout.session.expired", session, "unpaid");
        assertThat(state()).isEqualTo("CHARGED");
        assertThat(harness.chargedPence()).isEqualTo(500);

        harness.giveByCard("amount=10.00");
        StripeStandIn.Session later = harness.stripe.sessions().stream().filter(s -> s.amountPence() == 1_000).findFirst().orElseThrow();
        harness.stripe.deliver("checkout.session.completed", later, "unpaid");
        assertThat(harness.sql("select state from donation where amount_pence = 1000")).isEqualTo("CHARGING");
        harness.stripe.deliver("checkout.session.async_payment_failed", later, "unpaid");
        harness.stripe.deliver("checkout.session.async_payment_succeeded", later, "paid");
        assertThat(harness.sql("select state from donation where amount_pence = 1000")).isEqualTo("FAILED");
        assertThat(harness.chargedPence()).isEqualTo(500);
        assertThat(harness.core.verifier.verify().passed()).isTrue();
    }

    @Test
    void signedButWrongBodiesAreRefusedOrIgnoredWithoutCounting() {
        // Proves: a correctly signed body that is not JSON or not an event is a 400; an oversized body a 413; an event for a payment that is
        // not ours, or whose amount differs from the stored gift, is acknowledged but counts nothing.
        long now = Instant.now().getEpochSecond();
        String notJson = "this is not json";
        assertThat(harness.stripe.post(notJson, StripeStandIn.signatureHeader(notJson, now, StripeStandIn.WEBHOOK_SECRET)).statusCode()).isEqualTo(400);
        String notEvent = "{\"id\": 5, \"type\": [\"checkout.session.completed\"]}";
        HttpResponse<String> wrongTypes = harness.stripe.post(notEvent, StripeStandIn.signatureHeader(notEvent, now, StripeStandIn.WEBHOOK_SECRET));
        assertThat(wrongTypes.statusCode()).isEqualTo(400);
        assertThat(wrongTypes.body()).contains("id, type and data.object are required");
        String huge = "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
        HttpResponse<String> oversized = harness.send(HttpRequest.newBuilder(URI.create(harness.url("/stripe/webhook")))
                .header("Stripe-Signature", StripeStandIn.signatureHeader(huge, now, StripeStandIn.WEBHOOK_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(huge)).build());
        assertThat(oversized.statusCode()).isEqualTo(413);

        StripeStandIn.Session wrongAmount = new StripeStandIn.Session(session.id(), session.requestId(), 50_000, "gbp", session.clientReferenceId(),
                session.metadata(), session.successUrl(), session.cancelUrl(), session.expiresAt());
        HttpResponse<String> mismatch = harness.stripe.deliver("checkout.session.completed", wrongAmount, "paid");
        assertThat(mismatch.statusCode()).isEqualTo(200);
        assertThat(mismatch.body()).contains("not counted");
        StripeStandIn.Session foreign = new StripeStandIn.Session("cs_other", "adNOTOURS000000000000000000", 500, "gbp", "adNOTOURS000000000000000000",
                java.util.Map.of("request_id", "adNOTOURS000000000000000000"), session.successUrl(), session.cancelUrl(), session.expiresAt());
        assertThat(harness.stripe.deliver("checkout.session.completed", foreign, "paid").body()).contains("ignored");
        assertThat(state()).isEqualTo("CHARGING");
        assertThat(harness.chargedPence()).isZero();
    }
}
