package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.appealdesk.platform.Money;
import org.appealdesk.sim.MessageIdStyle;
import org.appealdesk.sim.ReceiptIdStyle;
import org.appealdesk.sim.SimLedger;
import org.appealdesk.sim.SimSettings;
import org.appealdesk.sim.SimulatedSmsc;
import org.appealdesk.sim.TextTemplate;
import org.appealdesk.sim.TrafficPlan;
import org.appealdesk.sim.TrafficRun;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.Outbox;
import org.appealdesk.sms.ReportIntake;
import org.appealdesk.sms.TextIntake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adapter against the project's simulated SMSC (the server side of the same contract). */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SimulatedSmscRoundTripTest {

    private static final long SEED = 20261124L;
    private static final int TEXTS = 30;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void everyTextIsChargedOnceAndItsReceiptFindsTheAcceptedId() throws Exception {
        // Proves, with redelivered MOs, throttling, upper-case hex ids and decimal receipts, that each genuine text is billed exactly once and every receipt maps to an accepted message id.
        SimSettings simSettings = SimSettings.perfect(SEED).toBuilder()
                .duplicateMoProbability(0.1)
                .throttleProbability(0.1)
                .messageIdStyle(MessageIdStyle.HEX)
                .receiptIdStyle(ReceiptIdStyle.DECIMAL_OF_HEX)
                .build();
        MiniCore core = new MiniCore();
        try (SimulatedSmsc smsc = SimulatedSmsc.start(simSettings)) {
            SmppSettings settings = SmppSettings.builder("127.0.0.1", smsc.port(), simSettings.systemId(), simSettings.password())
                    .billing(new BillingProfile.ShortcodePerPrice(Map.of(300L, "70903", 500L, "70905", 1000L, "70910")))
                    .receiptIdFormat(ReceiptIdFormat.DECIMAL_OF_HEX)
                    .messageIdUpperCase(true)
                    .binds(2)
                    .outboxPollMs(10)
                    .build();
            try (SmppGateway gateway = new SmppGateway(settings, core, core, core, new SimpleMeterRegistry())) {
                gateway.start();
                TrafficRun run = smsc.play(TrafficPlan.single("70141", TextTemplate.gsm("SUN£5", 500), TEXTS, 200));

                assertThat(run.awaitAcked(WAIT)).as("seed %d: every text acknowledged; %s", SEED, run).isTrue();
                assertThat(core.awaitReports(TEXTS, WAIT)).as("seed %d: a receipt for every charge", SEED).isTrue();
                assertThat(smsc.awaitQuiet(WAIT)).as("seed %d: simulator quiet", SEED).isTrue();

                SimLedger ledger = smsc.ledger();
                assertThat(ledger.requestIdsBilledTwice()).as("seed %d", SEED).isZero();
                assertThat(ledger.donorsBilledMoreThanTexted()).as("seed %d", SEED).isEmpty();
                assertThat(ledger.chargesBilled()).as("seed %d: %s", SEED, ledger.summary()).isEqualTo(TEXTS);
                assertThat(core.textsRecorded()).isEqualTo(TEXTS);
                assertThat(core.deliveredIds()).as("seed %d: receipts name the ids submit_sm_resp gave", SEED)
                        .hasSize(TEXTS).isEqualTo(core.acceptedIds());
                assertThat(core.unexpected).as("seed %d: no refusal or unanswered submit", SEED).isEmpty();
            }
        }
    }

    /**
     * The smallest core that closes the loop: records each text once by MO id, queues a £5 billed
     * reply for it, re-queues throttled messages, and keeps what the adapter reported.
     */
    private static final class MiniCore implements TextIntake, ReportIntake, Outbox {
        /** Outcomes the perfect simulator must never cause. */
        final List<String> unexpected = new CopyOnWriteArrayList<>();

        private final Set<String> moIds = ConcurrentHashMap.newKeySet();
        private final AtomicLong nextId = new AtomicLong(1);
        private final Deque<OutboundMessage> due = new ArrayDeque<>();
        private final Map<Long, OutboundMessage> claimed = new ConcurrentHashMap<>();
        private final Map<Long, String> accepted = new ConcurrentHashMap<>();
        private final List<ChargeReport> reports = new ArrayList<>();

        @Override
        public CompletableFuture<IntakeOutcome> submit(InboundText text) {
            if (text.externalId() != null && !moIds.add(text.externalId())) {
                return CompletableFuture.completedFuture(IntakeOutcome.DUPLICATE);
            }
            long id = nextId.getAndIncrement();
            synchronized (due) {
                due.add(new OutboundMessage(id, text.source(), text.destination(), "Thank you for your £5 gift", Money.ofPence(500),
                        "req-" + SEED + "-" + id, text.network()));
            }
            return CompletableFuture.completedFuture(IntakeOutcome.RECORDED);
        }

        @Override
        public CompletableFuture<Void> submit(ChargeReport report) {
            synchronized (reports) {
                reports.add(report);
                reports.notifyAll();
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public List<OutboundMessage> claim(int countMax) {
            List<OutboundMessage> batch = new ArrayList<>();
            synchronized (due) {
                while (batch.size() < countMax && !due.isEmpty()) {
                    OutboundMessage message = due.poll();
                    this.claimed.put(message.id(), message);
                    batch.add(message);
                }
            }
            return batch;
        }

        @Override
        public CompletableFuture<Void> accepted(long outboxId, String networkMessageId) {
            accepted.put(outboxId, networkMessageId);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> refused(long outboxId, String errorCode, boolean permanent) {
            // Recorded, not thrown: reports come on jSMPP's reader, where a thrown error would stop the session reading.
            unexpected.add("outbox message " + outboxId + " refused " + errorCode);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> noAnswer(long outboxId) {
            unexpected.add("outbox message " + outboxId + " had no answer");
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> retryLater(long outboxId, Duration delay) {
            // Throttled: the same message, with the same request id, goes again (the delay is not waited out here).
            synchronized (due) {
                due.add(claimed.get(outboxId));
            }
            return CompletableFuture.completedFuture(null);
        }

        long textsRecorded() {
            return nextId.get() - 1;
        }

        Set<String> acceptedIds() {
            return Set.copyOf(accepted.values());
        }

        Set<String> deliveredIds() {
            synchronized (reports) {
                List<String> ids = new ArrayList<>();
                for (ChargeReport report : reports) {
                    assertThat(report).isInstanceOf(ChargeReport.Delivered.class);
                    ids.add(report.networkMessageId());
                }
                return Set.copyOf(ids);
            }
        }

        boolean awaitReports(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (reports) {
                while (reports.size() < count) {
                    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (remainingMs <= 0) {
                        return false;
                    }
                    reports.wait(remainingMs);
                }
                return true;
            }
        }
    }
}
