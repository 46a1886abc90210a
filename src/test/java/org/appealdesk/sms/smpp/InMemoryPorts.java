package org.appealdesk.sms.smpp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.Outbox;
import org.appealdesk.sms.ReportIntake;
import org.appealdesk.sms.TextIntake;

/**
 * In-memory stand-ins for the core's ports (not the component under test): each hands the test
 * what the adapter gave it, and lets the test decide when and how the "commit" completes.
 */
final class InMemoryPorts {

    private InMemoryPorts() {
    }

    /** A text the adapter submitted, with the future the test completes to "commit" it, and the thread it came on. */
    record PendingText(InboundText text, CompletableFuture<TextIntake.IntakeOutcome> commit, String thread) {
    }

    record PendingReport(ChargeReport report, CompletableFuture<Void> commit) {
    }

    static final class Texts implements TextIntake {
        private final BlockingQueue<PendingText> submitted = new LinkedBlockingQueue<>();
        private volatile boolean commitAtOnce;

        /** Every later text commits immediately as RECORDED. */
        Texts committingAtOnce() {
            commitAtOnce = true;
            return this;
        }

        @Override
        public CompletableFuture<IntakeOutcome> submit(InboundText text) {
            CompletableFuture<IntakeOutcome> commit = new CompletableFuture<>();
            if (commitAtOnce) {
                commit.complete(IntakeOutcome.RECORDED);
            }
            submitted.add(new PendingText(text, commit, Thread.currentThread().getName()));
            return commit;
        }

        PendingText next(Duration timeout) throws InterruptedException {
            return submitted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    static final class Reports implements ReportIntake {
        private final BlockingQueue<PendingReport> submitted = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<Void> submit(ChargeReport report) {
            // Receipts commit at once here; the deliver_sm_resp ordering is proven with texts.
            CompletableFuture<Void> commit = CompletableFuture.completedFuture(null);
            submitted.add(new PendingReport(report, commit));
            return commit;
        }

        ChargeReport next(Duration timeout) throws InterruptedException {
            PendingReport pending = submitted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return pending == null ? null : pending.report();
        }

        int waiting() {
            return submitted.size();
        }
    }

    /** One call the adapter made to the outbox. */
    sealed interface OutboxCall {
        long outboxId();
    }

    record Accepted(long outboxId, String networkMessageId) implements OutboxCall {
    }

    record Refused(long outboxId, String errorCode, boolean permanent) implements OutboxCall {
    }

    record NoAnswer(long outboxId) implements OutboxCall {
    }

    record RetryLater(long outboxId, Duration delay) implements OutboxCall {
    }

    static final class Messages implements Outbox {
        private final Deque<OutboundMessage> due = new ArrayDeque<>();
        private final BlockingQueue<OutboxCall> calls = new LinkedBlockingQueue<>();
        private final Queue<CompletableFuture<Void>> held = new ConcurrentLinkedQueue<>();
        private volatile boolean holding;
        private volatile boolean claimAll;

        synchronized void add(OutboundMessage message) {
            due.add(message);
        }

        /** From now on, a claim hands out every due message, more than asked for (as a bind that dropped after the count was taken leaves the batch too big). */
        void claimAllDue() {
            claimAll = true;
        }

        @Override
        public synchronized List<OutboundMessage> claim(int countMax) {
            List<OutboundMessage> claimed = new ArrayList<>();
            while ((claimAll || claimed.size() < countMax) && !due.isEmpty()) {
                claimed.add(due.poll());
            }
            return claimed;
        }

        @Override
        public CompletableFuture<Void> accepted(long outboxId, String networkMessageId) {
            return record(new Accepted(outboxId, networkMessageId));
        }

        @Override
        public CompletableFuture<Void> refused(long outboxId, String errorCode, boolean permanent) {
            return record(new Refused(outboxId, errorCode, permanent));
        }

        @Override
        public CompletableFuture<Void> noAnswer(long outboxId) {
            return record(new NoAnswer(outboxId));
        }

        @Override
        public CompletableFuture<Void> retryLater(long outboxId, Duration delay) {
            return record(new RetryLater(outboxId, delay));
        }

        /** From now on, reports are taken but not recorded until {@link #recordHeld} (a slow database). */
        void holdRecords() {
            holding = true;
        }

        /** Records every report held so far. */
        void recordHeld() {
            CompletableFuture<Void> next;
            while ((next = held.poll()) != null) {
                next.complete(null);
            }
        }

        private CompletableFuture<Void> record(OutboxCall call) {
            calls.add(call);
            if (!holding) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            held.add(recorded);
            return recorded;
        }

        OutboxCall next(Duration timeout) throws InterruptedException {
            return calls.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
