package org.appealdesk.sms.smpp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.appealdesk.sms.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits whose send turn is further away than {@link BindSlot#SEND_AHEAD_NANOS}, held for one
 * bind in the order added and sent by one virtual thread: it sleeps until the first one's turn,
 * then sends every waiting submit whose turn is within that allowance of now (at 10,000 a second,
 * about ten) and flushes them in one write. The thread ends when nothing waits, and another starts
 * with the next paced submit.
 *
 * <p>Why: at a peak the dispatcher hands each bind dozens of messages at once (a commit's worth),
 * and the pace lets about a millisecond's worth go at once. Before, each of the rest took a virtual
 * thread, a timed sleep and a socket write of its own, all for the same few milliseconds of turns.
 *
 * <p>Order and pace: the dispatcher adds submits as it takes their turns, so the queue is in turn
 * order, and none leaves more than the allowance before its turn. Between the queue and the
 * dispatcher's own submits there is no order: a submit whose turn is within the allowance leaves
 * at once, and may pass queued ones (as before). A throttle pause that begins after a submit was
 * queued does not hold it back; the SMSC's answer does (a throttled submit goes back to be sent again).
 *
 * <p>The caller holds each submit's window permit until its outcome is reported, as for an unpaced
 * one: every submit taken here is either sent or reported not sent, exactly once. Thread-safe.
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
    // Guards waiting, sending and closed. A lock, not a monitor: the sending thread is virtual, and
    // on JDK 21 a virtual thread blocked on a monitor holds its carrier.
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Paced> waiting = new ArrayDeque<>();
    // A thread is sending what waits and takes what is added.
    private boolean sending;
    // No more submits taken; those taken already are still sent unless abandoned.
    private boolean closed;
    // Passes that sent something, each with one write; for tests.
    private final AtomicLong passes = new AtomicLong();

    PacedSubmits(BindSlot slot, Sends sends) {
        this.slot = slot;
        this.sends = sends;
    }

    /** Holds {@code request} until {@code waitNanos} from now, starting this bind's sending thread if none runs. */
    void add(OutboundMessage message, SubmitRequest request, long waitNanos) {
        Paced paced = new Paced(message, request, System.nanoTime() + waitNanos);
        List<Paced> orphaned = List.of();
        String why = "gateway closed";
        lock.lock();
        try {
            if (closed) {
                orphaned = List.of(paced);
            } else {
                waiting.addLast(paced);
                if (!sending) {
                    orphaned = startSending();
                    why = "no thread to send it";
                }
            }
        } finally {
            lock.unlock();
        }
        // Reported outside the lock: reporting gives permits back and may call into the outbox.
        String reason = why;
        orphaned.forEach(p -> sends.notSent(slot, p.message(), reason));
    }

    /**
     * Caller holds the lock. Marks the bind as sending only once its thread has started; if none
     * can start, takes everything waiting out to be reported not sent, and returns it.
     */
    private List<Paced> startSending() {
        try {
            Thread.ofVirtual().name("smpp-paced-" + slot.index).start(this::sendUntilEmpty);
            sending = true;
            return List.of();
        } catch (RuntimeException | Error e) {
            log.error("no thread to send bind {}'s paced submits; they are not sent", slot.index, e);
            List<Paced> left = new ArrayList<>(waiting);
            waiting.clear();
            return left;
        }
    }

    /**
     * Takes no more submits (they are reported not sent); those already waiting are still sent at
     * their turns, as the gateway's close lets submits in flight finish.
     */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes no more submits, and reports every one still waiting not sent (nothing of them was
     * written, so each is safe to send again): for the gateway's close once its wait is over, so that
     * no submit goes to a bind after it stopped. Returns how many were waiting.
     */
    int abandon() {
        List<Paced> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(waiting);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        left.forEach(paced -> sends.notSent(slot, paced.message(), "gateway closed before its turn"));
        return left.size();
    }

    /** Passes made so far, each sending what was due in one write; for tests. */
    long passes() {
        return passes.get();
    }

    /** Submits waiting now; for tests. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a thread is sending for this bind now; for tests. */
    boolean sending() {
        lock.lock();
        try {
            return sending;
        } finally {
            lock.unlock();
        }
    }

    private void sendUntilEmpty() {
        while (true) {
            Long firstTurn = firstTurnOrStop();
            if (firstTurn == null) {
                return;
            }
            // Until the first one's turn, not the allowance before it: then the allowance takes in the
            // next millisecond's turns too, so a pass sends several, none more than the allowance early.
            sleepUntil(firstTurn);
            if (!sendPass(takeDue())) {
                // Neither call throws by contract. If one did, what waits would otherwise hold its
                // window permits for good, with no thread to send it.
                failAll("paced sending failed");
                return;
            }
        }
    }

    /** The first waiting submit's turn, or null after marking the thread as ended, when none waits. */
    private Long firstTurnOrStop() {
        lock.lock();
        try {
            Paced first = waiting.peekFirst();
            if (first == null) {
                sending = false;
                return null;
            }
            return first.turnNanos();
        } finally {
            lock.unlock();
        }
    }

    /** Sends one pass's submits and flushes them in one write, the flush even when a submit throws; false when one did. */
    private boolean sendPass(List<Paced> due) {
        int tried = 0;
        try {
            for (Paced paced : due) {
                tried++;
                sends.submit(slot, paced.message(), paced.request());
            }
            if (!due.isEmpty()) {
                passes.incrementAndGet(); // none due: what waited was abandoned meanwhile
            }
            return true;
        } catch (RuntimeException | Error e) {
            // The one that threw is left to the gateway's timeouts and the janitor; the rest were never written.
            log.error("a paced submit of bind {} failed; the rest of its pass are not sent", slot.index, e);
            due.subList(tried, due.size()).forEach(paced -> sends.notSent(slot, paced.message(), "paced sending failed"));
            return false;
        } finally {
            flushQuietly();
        }
    }

    // A flush that throws (it does not by contract) must not leave the thread dead with the bind marked as sending.
    private void flushQuietly() {
        try {
            slot.flush();
        } catch (RuntimeException | Error e) {
            log.error("flushing bind {}'s paced submits failed; the bind's sweep ends them unanswered", slot.index, e);
        }
    }

    /** Every waiting submit whose turn is within the send-ahead allowance of now, in order. */
    private List<Paced> takeDue() {
        long horizon = System.nanoTime() + BindSlot.SEND_AHEAD_NANOS;
        List<Paced> due = new ArrayList<>();
        lock.lock();
        try {
            while (!waiting.isEmpty() && waiting.peekFirst().turnNanos() - horizon <= 0) {
                due.add(waiting.pollFirst());
            }
        } finally {
            lock.unlock();
        }
        return due;
    }

    /** Sleeps until {@code deadline} (System.nanoTime()). Nothing interrupts this thread; an interrupt only shortens a sleep. */
    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private void failAll(String why) {
        List<Paced> left;
        lock.lock();
        try {
            left = new ArrayList<>(waiting);
            waiting.clear();
            sending = false;
        } finally {
            lock.unlock();
        }
        left.forEach(paced -> sends.notSent(slot, paced.message(), why));
    }
}
