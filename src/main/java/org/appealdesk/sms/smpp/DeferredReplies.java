package org.appealdesk.sms.smpp;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.util.DefaultComposer;
import org.jsmpp.util.PDUComposer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * deliver_sm_resp sent when the core has committed the text or receipt, without holding a thread
 * per waiting PDU, and written together: the answers that one commit releases leave in one socket
 * write per session instead of one write and one thread wake-up each.
 *
 * <p>Why: jSMPP answers a deliver_sm when its listener returns, so waiting for the commit inside
 * the listener held one of jSMPP's PDU threads per text; the number of texts in a group commit was
 * capped by those threads, and each answer cost a park, a wake-up and a write on both sides of the
 * connection (the benchmark's profile: half the JVM's CPU in the kernel).
 *
 * <p>How: jSMPP 3.0.2 sends deliver_sm_resp through the session's PDU sender on the same thread,
 * right after the listener returns ({@code SMPPSessionBound.processDeliverSm0}). The listener
 * {@link #leave leaves} the answer-to-be (a future command status) for that thread; the sender
 * {@link #takeOver takes it over} instead of writing ESME_ROK, and queues the real answer when the
 * future completes. One thread composes the queued answers and checks the commit deadlines; each
 * session's bytes go to that session's own write task, so a peer that stops reading holds up only
 * its own answers. Hazard: if a jSMPP upgrade answered on another thread, the hand-over would not
 * match the sequence number; then neither PDU is answered (the SMSC times out and delivers them
 * again), which is safe, and the mismatch is logged as an error. Never an early ESME_ROK.
 */
final class DeferredReplies implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeferredReplies.class);

    /** Answers waiting to be written; each session's window keeps the real number in the hundreds. */
    static final int QUEUED_MAX = 100_000;
    /** Answers written in one pass, across sessions. */
    static final int PASS_MAX = 4_096;
    /** How often deadlines are checked: a late commit is refused at most this much after its deadline. */
    static final long DEADLINE_CHECK_MS = 20;

    /** What the listener leaves for jSMPP's next deliver_sm_resp on the same thread. */
    private record Handoff(int sequenceNumber, CompletableFuture<Integer> commandStatus) {
    }

    private record Reply(OutputStream stream, int sequenceNumber, int commandStatus) {
    }

    /** A commit being waited for, and when waiting ends. */
    private record Deadline(long atNanos, CompletableFuture<?> commit) {
    }

    private static final ThreadLocal<Handoff> HANDOFF = new ThreadLocal<>();

    private final PDUComposer composer = new DefaultComposer();
    private final BlockingQueue<Reply> queue = new ArrayBlockingQueue<>(QUEUED_MAX);
    private final long commitWaitNanos;
    // In the order added; every deadline is "now + commitWaitNanos", so also in deadline order.
    // Entries leave from the head once done or overdue, so the queue holds about the texts in
    // flight plus DEADLINE_CHECK_MS worth of answered ones.
    private final ConcurrentLinkedQueue<Deadline> deadlines = new ConcurrentLinkedQueue<>();
    // Each session's bytes go to its own write task: a peer that stops reading holds up only its own answers.
    private final SessionWrites writes;
    private final Thread writer;
    private volatile boolean running = true;

    /** @param commitWaitMs how long a commit is waited for before its text is refused with ESME_RX_T_APPN */
    DeferredReplies(long commitWaitMs) {
        this(commitWaitMs, new SessionWrites());
    }

    /** @param writes the sessions' write tasks, shared with the submits so a session's PDUs leave together */
    DeferredReplies(long commitWaitMs, SessionWrites writes) {
        this.commitWaitNanos = TimeUnit.MILLISECONDS.toNanos(commitWaitMs);
        this.writes = writes;
        writer = Thread.ofPlatform().name("smpp-replies").daemon().start(this::writeUntilClosed);
    }

    /**
     * Fails {@code commit} with a TimeoutException if it is not done within the commit wait. One
     * queue checked by the writer thread, instead of a timer task per text (CompletableFuture's
     * orTimeout cost 3% of the JVM's CPU in scheduler wake-ups at 2,000 texts/s).
     */
    <T> CompletableFuture<T> withDeadline(CompletableFuture<T> commit) {
        deadlines.add(new Deadline(System.nanoTime() + commitWaitNanos, commit));
        return commit;
    }

    private void expireOverdue() {
        long now = System.nanoTime();
        Deadline head;
        while ((head = deadlines.peek()) != null && (head.commit().isDone() || now - head.atNanos() >= 0)) {
            deadlines.poll();
            if (!head.commit().isDone()) {
                head.commit().completeExceptionally(new TimeoutException("not committed in time"));
            }
        }
    }

    /** Called by the listener as its last step: answer this deliver_sm with {@code commandStatus} once it completes. */
    static void leave(int sequenceNumber, CompletableFuture<Integer> commandStatus) {
        HANDOFF.set(new Handoff(sequenceNumber, commandStatus));
    }

    /** Called by the listener first: forgets a hand-over that jSMPP never collected. */
    static void forget() {
        HANDOFF.remove();
    }

    /**
     * Called by the PDU sender for each deliver_sm_resp: true when this class answers (once the
     * left status is known), false when the sender should write this answer now (one decided
     * inside the listener, such as a permanent refusal or an ignored PDU).
     */
    boolean takeOver(OutputStream stream, int commandStatus, int sequenceNumber) {
        Handoff handoff = HANDOFF.get();
        if (handoff == null) {
            return false;
        }
        HANDOFF.remove();
        if (commandStatus != SMPPConstant.STAT_ESME_ROK) {
            return false; // a refusal is never an early acknowledgement: write it now
        }
        if (handoff.sequenceNumber() != sequenceNumber) {
            // Answering now could acknowledge an uncommitted text; leaving both unanswered is safe.
            log.error("deliver_sm_resp hand-over mismatch (left for sequence {}, jSMPP answering {}): "
                    + "neither is answered and the SMSC delivers both again", handoff.sequenceNumber(), sequenceNumber);
            return true;
        }
        handoff.commandStatus().whenComplete((status, error) -> queue(new Reply(stream, sequenceNumber,
                error == null && status != null ? status : SMPPConstant.STAT_ESME_RX_T_APPN)));
        return true;
    }

    private void queue(Reply reply) {
        if (running && queue.offer(reply)) {
            if (!running) {
                writeQueued(); // closed meanwhile: the writer may already have made its last pass
            }
            return;
        }
        write(List.of(reply)); // closed, or the writer far behind: hand it to its session's writer now
    }

    private void writeQueued() {
        List<Reply> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            write(left);
        }
    }

    private void writeUntilClosed() {
        List<Reply> pass = new ArrayList<>();
        try {
            while (running) {
                try {
                    expireOverdue();
                    Reply first = queue.poll(DEADLINE_CHECK_MS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    pass.add(first);
                    queue.drainTo(pass, PASS_MAX - 1);
                    write(pass);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    log.error("deliver_sm_resp pass of {} failed; the SMSC delivers those texts again", pass.size(), e);
                } finally {
                    pass.clear();
                }
            }
        } finally {
            // However the loop ends, later answers go straight to their sessions, and none is left queued.
            running = false;
            writeQueued();
        }
    }

    /** Composes the answers and hands each session its bytes: one write and flush per session per pass. */
    private void write(List<Reply> replies) {
        Map<OutputStream, ByteArrayOutputStream> bySession = new IdentityHashMap<>();
        for (Reply reply : replies) {
            byte[] pdu = composer.deliverSmResp(reply.commandStatus(), reply.sequenceNumber(), null);
            bySession.computeIfAbsent(reply.stream(), stream -> new ByteArrayOutputStream(pdu.length * 64)).writeBytes(pdu);
        }
        bySession.forEach((stream, bytes) -> writes.write(stream, bytes.toByteArray()));
    }

    /** Stops the writer (bounded wait) after it has handed over what is queued; later answers go straight to their sessions. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQueued();
    }
}
