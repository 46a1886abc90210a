package org.appealdesk.sms.smpp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.appealdesk.sms.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits whose send turn is further away than {@link BindSlot#SEND_AHEAD_NANOS}, held for one
 * bind in turn order and sent by one virtual thread: it sleeps until the first one's turn, then
 * sends every submit whose turn is within that allowance of now (at 10,000 a second, about ten)
 * and flushes them in one write. The thread ends when nothing waits, and another starts with the
 * next paced submit.
 *
 * <p>Why: at a peak the dispatcher hands each bind dozens of messages at once (a commit's worth),
 * and the pace lets about a millisecond's worth go at once. Before, each of the rest took a virtual
 * thread, a timed sleep and a socket write of its own, all for the same few milliseconds of turns.
 *
 * <p>Turns only move forward ({@link BindSlot#takeSendTurn}), so the queue is in turn order. The
 * caller holds each submit's window permit until its outcome is reported, as for an unpaced one.
 * Thread-safe.
 */
final class PacedSubmits {

    private static final Logger log = LoggerFactory.getLogger(PacedSubmits.class);

    /** What the gateway does with a paced submit when its turn comes, or when it cannot be sent. */
    interface Sends {
        /** Composes the submit into the bind's next write; never throws for network outcomes. */
        void submit(BindSlot slot, OutboundMessage message, SubmitRequest request);

        /** Reports that the submit was never written, and gives its window permit back. */
        void notSent(BindSlot slot, OutboundMessage message, String why);
    }

    /** One submit waiting for its turn. */
    private record Paced(OutboundMessage message, SubmitRequest request, long turnNanos) {
    }

    private final BindSlot slot;
    private final Sends sends;
    // Submits waiting, in turn order; guarded by itself.
    private final ArrayDeque<Paced> waiting = new ArrayDeque<>();
    // A thread is sending what waits and takes what is added; guarded by waiting.
    private boolean sending;
    // No more submits taken; those taken already are still sent. Guarded by waiting.
    private boolean closed;
    // Passes that sent something, each with one write; for tests.
    private final AtomicLong passes = new AtomicLong();

    PacedSubmits(BindSlot slot, Sends sends) {
        this.slot = slot;
        this.sends = sends;
    }

    /** Holds {@code request} until {@code waitNanos} from now, starting this bind's sending thread if none runs. */
    void add(OutboundMessage message, SubmitRequest request, long waitNanos) {
        synchronized (waiting) {
            if (!closed) {
                waiting.addLast(new Paced(message, request, System.nanoTime() + waitNanos));
                if (sending) {
                    return;
                }
                sending = true;
                Thread.ofVirtual().name("smpp-paced-" + slot.index).start(this::sendUntilEmpty);
                return;
            }
        }
        sends.notSent(slot, message, "gateway closed");
    }

    /**
     * Takes no more submits (they are reported not sent); those already waiting are still sent at
     * their turns, as the gateway's close lets submits in flight finish.
     */
    void close() {
        synchronized (waiting) {
            closed = true;
        }
    }

    /** Passes made so far, each sending what was due in one write; for tests. */
    long passes() {
        return passes.get();
    }

    /** Submits waiting now; for tests. */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private void sendUntilEmpty() {
        while (true) {
            long firstTurn;
            synchronized (waiting) {
                Paced first = waiting.peekFirst();
                if (first == null) {
                    sending = false;
                    return;
                }
                firstTurn = first.turnNanos();
            }
            // Until the first one's turn, not the allowance before it: then the allowance takes in the
            // next millisecond's turns too, so a pass sends several, none more than the allowance early.
            if (!sleepUntil(firstTurn)) {
                failAll("interrupted before sending");
                return;
            }
            List<Paced> due = takeDue();
            int tried = 0;
            try {
                for (Paced paced : due) {
                    tried++;
                    sends.submit(slot, paced.message(), paced.request());
                }
                slot.flush();
            } catch (RuntimeException e) {
                // Neither throws by contract. If one did, a thread left marked as sending would hold the
                // waiting submits' window permits for good: the one that threw is left to the gateway's
                // timeouts and the janitor, the rest are reported not sent.
                log.error("paced submits of bind {} failed; those not yet written are not sent", slot.index, e);
                due.subList(tried, due.size()).forEach(paced -> sends.notSent(slot, paced.message(), "paced sending failed"));
                failAll("paced sending failed");
                return;
            }
            passes.incrementAndGet();
        }
    }

    /** Every waiting submit whose turn is within the send-ahead allowance of now, in order. */
    private List<Paced> takeDue() {
        long horizon = System.nanoTime() + BindSlot.SEND_AHEAD_NANOS;
        List<Paced> due = new ArrayList<>();
        synchronized (waiting) {
            while (!waiting.isEmpty() && waiting.peekFirst().turnNanos() - horizon <= 0) {
                due.add(waiting.pollFirst());
            }
        }
        return due;
    }

    /** Sleeps until {@code deadline} (System.nanoTime()); false when interrupted. */
    private static boolean sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    private void failAll(String why) {
        List<Paced> left;
        synchronized (waiting) {
            left = new ArrayList<>(waiting);
            waiting.clear();
            sending = false;
        }
        left.forEach(paced -> sends.notSent(slot, paced.message(), why));
    }
}
