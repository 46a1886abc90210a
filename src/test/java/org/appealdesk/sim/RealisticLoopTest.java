package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class RealisticLoopTest {

    /** A deliberately small keyword parser: enough to charge the reference appeal's valid spellings. */
    private static final Pattern DONATION = Pattern.compile("(?i)^\\s*sun\\s*(noinfo)?\\s*£?\\s*(3|5|10|20)\\.?\\s*$");
    private static final int THROTTLE_RETRIES_MAX = 20;

    @Test
    void aCarefulEsmeUnderTheRealisticMixNeverBillsADonorMoreThanTheyTexted() throws Exception {
        // Proves the simulator's realistic misbehaviour (duplicates, throttles, silent submits, late and duplicate receipts) settles, and that its ledger shows billed <= texted and no request id billed twice for an ESME that charges by moId.
        SimSettings settings = SimSettings.defaults(31).toBuilder()
                .receiptDelayMsMax(100).lateReceiptDelayMsMax(500).redeliveryDelayMs(50)
                .duplicateMoProbability(0.05).throttleProbability(0.02).build();
        ExecutorService charging = Executors.newFixedThreadPool(8);
        AtomicInteger unknown = new AtomicInteger();
        try (SimulatedSmsc smsc = SimulatedSmsc.start(settings); TestEsme esme = TestEsme.bind(smsc)) {
            esme.session().setTransactionTimer(500);
            esme.onMo(mo -> charging.execute(() -> chargeFor(esme, mo, unknown)));
            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(1_000, 300).withTwentyShare(0.05));

            assertThat(run.awaitAcked(Duration.ofSeconds(30))).as(run.toString()).isTrue();
            // Quiet once: every MO and network duplicate acknowledged, so no new charge can start.
            assertThat(smsc.awaitQuiet(Duration.ofSeconds(30))).as(smsc.ledger().summary()).isTrue();
            charging.shutdown();
            assertThat(charging.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            // Quiet again: the receipts of the last charges acknowledged too.
            assertThat(smsc.awaitQuiet(Duration.ofSeconds(30))).as(smsc.ledger().summary()).isTrue();

            SimLedger ledger = smsc.ledger();
            assertThat(ledger.donorsBilledMoreThanTexted()).as(ledger.summary()).isEmpty();
            assertThat(ledger.requestIdsBilledTwice()).isZero();
            assertThat(ledger.mosGenerated()).isEqualTo(300);
            assertThat(ledger.mosAcked()).isEqualTo(300);
            assertThat(ledger.totalBilledPence()).isPositive().isLessThanOrEqualTo(ledger.totalTextedPence());
            assertThat(ledger.chargeAttempts(ChargeOutcome.DELIVERED)).isGreaterThan(ledger.chargeAttempts(ChargeOutcome.INSUFFICIENT_FUNDS));
            assertThat(ledger.duplicateMosSent()).isPositive();
            assertThat(ledger.requestIdsSubmittedMoreThanOnce()).as("duplicates resubmitted with their moId").isPositive();
            assertThat(ledger.receiptsPending()).isZero();
        } finally {
            charging.shutdownNow();
        }
    }

    /** Charges a valid text with its moId as request id; retries throttles, never a silent or refused submit. */
    private static void chargeFor(TestEsme esme, DeliverSm mo, AtomicInteger unknown) {
        String body = TextCoding.of(mo.getDataCoding()).decode(mo.getShortMessage());
        Matcher donation = DONATION.matcher(body);
        if (!donation.matches()) {
            return;
        }
        long pence = Long.parseLong(donation.group(2)) * 100;
        String requestId = TestEsme.tlv(mo, SimSettings.MO_ID_TAG_DEFAULT);
        for (int attempt = 0; attempt < THROTTLE_RETRIES_MAX; attempt++) {
            try {
                esme.charge(mo.getSourceAddr(), pence, requestId);
                return;
            } catch (NegativeResponseException e) {
                if (e.getCommandStatus() != 0x58) {
                    return; // refused: permanent
                }
                sleepQuietly(10);
            } catch (ResponseTimeoutException e) {
                unknown.incrementAndGet(); // UNKNOWN: never re-sent blindly
                return;
            } catch (Exception e) {
                return;
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
