package org.appealdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.appealdesk.app.Application;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.Posting;
import org.appealdesk.donation.CardGifts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embeddable totaliser's live feed: a confirmed card gift shows without polling, and a refund
 * takes it off again. How fast (the one-second promise) is measured by `./appealdesk bench`
 * (totals freshness), never by a timed unit test.
 */
class TotaliserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private WebGivingHarness harness;

    @BeforeEach
    void start() {
        harness = new WebGivingHarness(false, Application.TOTALS_REFRESH);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aConfirmedGiftReachesTheTotaliserAndARefundSubtractsIt() throws Exception {
        // Proves: with the production refresh interval, the totaliser's stream carries a card gift once Stripe's webhook is
        // acknowledged, counts nothing before that (a started checkout is not money), and a REFUND journal takes the money off.
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = harness.http.send(HttpRequest.newBuilder(URI.create(harness.url("/api/appeals/sun-ukraine/totals/stream")))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(JSON.readTree(line.substring(5).strip()));
                    }
                }
            } catch (Exception e) {
                // the stream ends when the server stops
            }
        });
        assertThat(events.poll(5, TimeUnit.SECONDS).get("chargedPence").asLong()).isZero();
        harness.giveByCard("amount=5.00");
        assertThat(latestCharged(events, 600)).as("a started checkout counts nothing").isZero();

        HttpResponse<String> webhook = harness.stripe.deliver("checkout.session.completed", harness.stripe.onlySession(), "paid");
        long acknowledged = System.nanoTime();
        assertThat(webhook.statusCode()).isEqualTo(200);
        waitFor(events, 500, acknowledged);
        assertThat(harness.get("/widget/sun-ukraine").body()).contains(">£5<");

        long donationId = ((Number) harness.sql("select id from donation")).longValue();
        refund(donationId, 500);
        long refundedAt = System.nanoTime();
        waitFor(events, 0, refundedAt);
        harness.core.totals.refreshNow();
        assertThat(harness.get("/widget/sun-ukraine").body()).contains(">£0<");
        reader.interrupt();
    }

    private static long latestCharged(BlockingQueue<JsonNode> events, long waitMs) throws InterruptedException {
        long charged = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        JsonNode next;
        while ((next = events.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) != null) {
            charged = next.get("chargedPence").asLong();
        }
        return charged;
    }

    /** Waits for an event showing {@code pence} charged; fails the test after 10 s (a bound, not a speed target). */
    private static long waitFor(BlockingQueue<JsonNode> events, long pence, long since) throws InterruptedException {
        long deadline = since + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode next = events.poll(50, TimeUnit.MILLISECONDS);
            if (next != null && next.get("chargedPence").asLong() == pence) {
                return (System.nanoTime() - since) / 1_000_000;
            }
        }
        throw new AssertionError("the totaliser never showed " + pence + " pence");
    }

    /** A refund as the settlement engine books it: a REFUND journal taking the money back out of the fund. */
    private void refund(long donationId, long pence) {
        Ledger ledger = new Ledger(harness.database);
        harness.database.inTransactionVoid(connection -> {
            Ledger.AppealBatch batch = ledger.openBatch(connection, WebGivingHarness.SLUG);
            batch.post(List.of(new Journal(WebGivingHarness.SLUG, JournalKind.REFUND, "refund:test:" + donationId, donationId,
                    List.of(new Posting(Accounts.fund(WebGivingHarness.SLUG, "ukraine-crisis"), AccountKind.FUND, pence),
                            new Posting(Accounts.receivable(WebGivingHarness.SLUG, CardGifts.CARD_NETWORK), AccountKind.RECEIVABLE, -pence)),
                    "test refund")), List.of(-pence), Instant.now());
            batch.close();
        });
    }
}
