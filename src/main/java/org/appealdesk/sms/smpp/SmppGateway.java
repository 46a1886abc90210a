package org.appealdesk.sms.smpp;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.Outbox;
import org.appealdesk.sms.ReportIntake;
import org.appealdesk.sms.TextIntake;
import org.appealdesk.sms.smpp.SmppMetrics.SubmitResult;
import org.appealdesk.sms.smpp.SubmitOutcome.Accepted;
import org.appealdesk.sms.smpp.SubmitOutcome.NoAnswer;
import org.appealdesk.sms.smpp.SubmitOutcome.NotSent;
import org.appealdesk.sms.smpp.SubmitOutcome.Refused;
import org.appealdesk.sms.smpp.SubmitOutcome.Throttled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMPP adapter: the ESME side of docs/SMPP.md. It keeps {@code binds} transceiver sessions to
 * the SMSC bound, hands every deliver_sm (texts and receipts) to the core and acknowledges it only
 * after the core committed it, and sends what the outbox holds.
 *
 * <p>Sending: one dispatcher (a virtual thread) claims a batch from the outbox no larger than the
 * free window slots, takes a window permit on a bound session and a send turn for each message,
 * composes its submit, and hands each bind's submits of the batch to that session's write task in
 * one write. No thread waits for an answer: jSMPP's reader hands each submit_sm_resp to its submit
 * ({@link SubmittingSession}), which reports the outcome to the outbox in exactly one way; the
 * permit comes back once the outbox has recorded it. A sweep ends unanswered submits at their
 * response timeout. A message whose send turn is further off than a millisecond waits for it in
 * its bind's queue ({@link PacedSubmits}), and those due together leave in one write. Limits: at
 * most {@code windowSize} submits in flight per bind, {@code submitsPerSecondMax} per second per
 * bind, {@code outboxClaimBatchSize} messages claimed and not yet sending, {@code windowWaitMsMax}
 * spent waiting for a permit.
 *
 * <p>Hazard: a submit that may have reached the SMSC is never sent again by this class. A response
 * timeout, or a connection lost while writing, is {@link Outbox#noAnswer}: the charge is UNKNOWN and
 * the janitor resolves it from receipts. Only a message certainly not written, or one the SMSC
 * refused with a throttle before looking at it, goes back with {@link Outbox#retryLater}. If the
 * outbox itself fails to record an outcome, the message stays claimed and the janitor finds it.
 *
 * <p>Configuration is frozen at construction; {@link #start()} once, {@link #close()} once.
 * Threads: one supervisor per bind, one dispatcher, one timeout sweep and, per bind while submits
 * wait for their send turns, one sender of them, all virtual; jSMPP adds per session a reader,
 * which also processes each received PDU (or, with {@code receiveConcurrencyPerBind} of 1 or more,
 * hands it to that many platform threads), and an enquire_link sender; one more platform thread composes the answers to
 * deliver_sm once their commits are known ({@link DeferredReplies}), and each session has at most
 * one platform thread writing while it has bytes to write ({@link SessionWrites}).
 */
public final class SmppGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmppGateway.class);

    /** Longest sleep before re-checking for window capacity (a missed signal costs at most this). */
    private static final long CAPACITY_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Pause after the outbox failed to claim, so a database outage is not hammered. */
    private static final long CLAIM_FAILURE_PAUSE_MS = 1_000;
    /** Extra time close() gives in-flight submits beyond their response timeout. */
    private static final long CLOSE_GRACE_MS = 2_000;
    /** How often unanswered submits are checked against their timeout: one ends at most this late. */
    static final long TIMEOUT_SWEEP_MS = 20;

    private final SmppSettings settings;
    private final Outbox outbox;
    private final SmppMetrics metrics;
    private final DeferredReplies replies;
    private final SessionWrites writes;
    private final List<BindSlot> slots;
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final ReentrantLock capacityLock = new ReentrantLock();
    private final Condition capacityChanged = capacityLock.newCondition();
    // Per bind, by index: submits waiting for a send turn more than SEND_AHEAD_NANOS away; the rest need no thread.
    private final List<PacedSubmits> paced;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean sweeping;
    private boolean started;
    private boolean closed;

    public SmppGateway(SmppSettings settings, TextIntake texts, ReportIntake reports, Outbox outbox, MeterRegistry registry) {
        this(settings, texts, reports, outbox, registry, InstantSource.system());
    }

    public SmppGateway(SmppSettings settings, TextIntake texts, ReportIntake reports, Outbox outbox, MeterRegistry registry,
                       InstantSource clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.metrics = new SmppMetrics(Objects.requireNonNull(registry, "registry"), this::boundSessions);
        this.writes = new SessionWrites();
        this.replies = new DeferredReplies(settings.commitWaitMsMax(), writes);
        InboundHandler inbound = new InboundHandler(settings, Objects.requireNonNull(texts, "texts"),
                Objects.requireNonNull(reports, "reports"), Objects.requireNonNull(clock, "clock"), metrics, replies);
        List<BindSlot> created = new ArrayList<>(settings.binds());
        for (int index = 0; index < settings.binds(); index++) {
            created.add(new BindSlot(index, settings, inbound, replies, writes, metrics, this::signalCapacity));
        }
        this.slots = List.copyOf(created);
        PacedSubmits.Sends sends = new PacedSubmits.Sends() {
            @Override
            public void submit(BindSlot slot, OutboundMessage message, SubmitRequest request) {
                SmppGateway.this.submit(slot, message, request);
            }

            @Override
            public void notSent(BindSlot slot, OutboundMessage message, String why) {
                released(slot, message, new NotSent(why, BindSlot.NOT_SENT_RETRY_DELAY));
            }
        };
        this.paced = slots.stream().map(slot -> new PacedSubmits(slot, sends)).toList();
    }

    /** Starts binding and sending; returns at once (see {@link #boundSessions()}). */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("SmppGateway can be started once; started=" + started + ", closed=" + closed);
        }
        started = true;
        running = true;
        sweeping = true;
        log.info("Starting SMPP gateway: {}", settings);
        if (LoggerFactory.getLogger("org.jsmpp.DefaultPDUSender").isDebugEnabled()
                || LoggerFactory.getLogger("org.jsmpp.session.PDUProcessTask").isDebugEnabled()) {
            log.warn("org.jsmpp logs at DEBUG: it writes every PDU as hex, phone numbers included; set the org.jsmpp logger to INFO");
        }
        for (BindSlot slot : slots) {
            threads.add(Thread.ofVirtual().name("smpp-bind-" + slot.index).start(slot::superviseUntilStopped));
        }
        threads.add(Thread.ofVirtual().name("smpp-dispatcher").start(this::dispatchUntilStopped));
        threads.add(Thread.ofVirtual().name("smpp-submit-timeouts").start(this::sweepUntilStopped));
    }

    /** Sessions bound right now, 0 to {@code binds}. */
    /**
     * Socket writes this gateway's sessions have made (acknowledgements, replies and submits; not
     * jSMPP's own enquire_link and unbind): with the PDUs sent, how many leave together.
     */
    public long socketWrites() {
        return writes.socketWrites();
    }

    public int boundSessions() {
        List<BindSlot> current = slots;
        if (current == null) {
            return 0; // a metrics scrape while the constructor runs
        }
        int bound = 0;
        for (BindSlot slot : current) {
            if (slot.isBound()) {
                bound++;
            }
        }
        return bound;
    }

    /**
     * Stops claiming, lets in-flight submits finish (each ends within the response timeout), then
     * unbinds every session. Claimed messages not yet sent go back with retryLater.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        running = false;
        signalCapacity();
        long deadlineMs = settings.responseTimeoutMs() + settings.outboxPollMs() + CLOSE_GRACE_MS;
        joinDispatcher(deadlineMs);
        paced.forEach(PacedSubmits::close);
        awaitSubmitsEnded(deadlineMs);
        // Submits still waiting for their turns (a long throttle pause, a slow pace) were never written:
        // they go back to be sent again, not to a bind after it stopped.
        int abandoned = paced.stream().mapToInt(PacedSubmits::abandon).sum();
        if (abandoned > 0) {
            log.warn("SMPP gateway closing: {} submits still waiting for their send turns go back unsent", abandoned);
        }
        sweeping = false;
        replies.close(); // answers already committed go out before the sessions unbind
        for (BindSlot slot : slots) {
            slot.stop();
        }
        for (Thread thread : threads) {
            try {
                if (!thread.join(Duration.ofMillis(deadlineMs))) {
                    log.warn("SMPP thread {} still running after {} ms", thread.getName(), deadlineMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.info("SMPP gateway closed");
    }

    private void joinDispatcher(long deadlineMs) {
        for (Thread thread : threads) {
            if (thread.getName().equals("smpp-dispatcher")) {
                try {
                    thread.join(Duration.ofMillis(deadlineMs));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Waits until every submit has ended and its outcome is recorded (all window permits back), within {@code deadlineMs}. */
    private void awaitSubmitsEnded(long deadlineMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        try {
            for (BindSlot slot : slots) {
                long leftMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                if (!slot.awaitIdle(leftMs)) {
                    log.warn("SMPP gateway closing with submits still in flight after {} ms; the janitor resolves them", deadlineMs);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends unanswered submits at their response timeout, until close() has seen them all end. */
    private void sweepUntilStopped() {
        while (sweeping) {
            for (BindSlot slot : slots) {
                try {
                    slot.expireOverdue();
                } catch (RuntimeException e) {
                    log.error("Timeout sweep of bind {} failed; trying again", slot.index, e);
                }
            }
            sleepMs(TIMEOUT_SWEEP_MS);
        }
    }

    // ---- dispatching ---------------------------------------------------------------------------

    private void dispatchUntilStopped() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                int free = freeWindowSlots();
                if (free == 0) {
                    awaitCapacity(TimeUnit.MILLISECONDS.toNanos(settings.outboxPollMs()));
                    continue;
                }
                List<OutboundMessage> batch = outbox.claim(Math.min(settings.outboxClaimBatchSize(), free));
                if (batch == null || batch.isEmpty()) {
                    sleepMs(settings.outboxPollMs());
                    continue;
                }
                dispatch(batch);
            } catch (RuntimeException e) {
                log.error("Outbox claim failed; trying again in {} ms", CLAIM_FAILURE_PAUSE_MS, e);
                sleepMs(CLAIM_FAILURE_PAUSE_MS);
            }
        }
    }

    private void dispatch(List<OutboundMessage> batch) {
        for (OutboundMessage message : batch) {
            SubmitPlan plan;
            try {
                plan = SubmitRequest.plan(message, settings);
            } catch (RuntimeException e) {
                log.error("Outbox message {} could not be prepared; refused", message.id(), e);
                plan = new SubmitPlan.Unroutable("INVALID_MESSAGE", e.getClass().getSimpleName());
            }
            switch (plan) {
                case SubmitPlan.Unroutable unroutable -> {
                    log.warn("Outbox message {} refused without sending: {} ({})", message.id(), unroutable.errorCode(), unroutable.why());
                    metrics.submit(SubmitResult.UNROUTABLE);
                    report(message, new Refused(unroutable.errorCode(), true));
                }
                case SubmitRequest request -> {
                    BindSlot slot = running ? acquireWindow() : null;
                    if (slot == null) {
                        report(message, new NotSent(running ? "no window slot within windowWaitMsMax" : "gateway closing",
                                BindSlot.NOT_SENT_RETRY_DELAY));
                    } else {
                        send(slot, message, request);
                    }
                }
            }
        }
        flushAll(); // each bind's submits of this batch leave in one write
    }

    private void flushAll() {
        for (BindSlot slot : slots) {
            slot.flush();
        }
    }

    /** Sends one message on {@code slot}, whose window permit the caller holds; the permit comes back once the outcome is recorded. */
    private void send(BindSlot slot, OutboundMessage message, SubmitRequest request) {
        long waitNanos = slot.takeSendTurn();
        if (waitNanos == 0) {
            submit(slot, message, request);
            return;
        }
        // Its turn is further off: it waits with the bind's other paced submits, and those due together leave in one write.
        paced.get(slot.index).add(message, request, waitNanos);
    }

    private void submit(BindSlot slot, OutboundMessage message, SubmitRequest request) {
        try {
            slot.submit(request, outcome -> released(slot, message, outcome));
        } catch (RuntimeException e) {
            // BindSlot.submit ends whatever it registered itself, so this is a failure before it
            // registered anything: nothing was written and no outcome will come. Not reported:
            // the message stays claimed and the janitor decides (a billed one becomes UNKNOWN).
            log.error("Submit of outbox message {} on bind {} failed unexpectedly", message.id(), slot.index, e);
            slot.releaseWindow();
        }
    }

    /** Reports {@code outcome} and gives {@code slot}'s window permit back once the outbox has recorded it (or failed to). */
    private void released(BindSlot slot, OutboundMessage message, SubmitOutcome outcome) {
        report(message, outcome).whenComplete((done, error) -> slot.releaseWindow());
    }

    /**
     * Reports one outcome to the outbox, exactly once, without waiting; the future completes once
     * it is recorded, or once its failure is logged (the message then stays claimed for the janitor).
     * Never throws.
     */
    private CompletableFuture<Void> report(OutboundMessage message, SubmitOutcome outcome) {
        CompletableFuture<Void> recorded;
        try {
            recorded = switch (outcome) {
                case Accepted accepted -> {
                    metrics.submit(SubmitResult.ACCEPTED);
                    yield outbox.accepted(message.id(), accepted.messageId());
                }
                case Throttled throttled -> {
                    metrics.submit(SubmitResult.THROTTLED);
                    log.debug("Outbox message {} throttled ({}); again in {} ms", message.id(),
                            SmppSettings.formatCommandStatus(throttled.commandStatus()), throttled.delay().toMillis());
                    yield outbox.retryLater(message.id(), throttled.delay());
                }
                case Refused refused -> {
                    metrics.submit(SubmitResult.REFUSED);
                    log.info("Outbox message {} refused: {} ({})", message.id(), refused.errorCode(), refused.permanent() ? "permanent" : "temporary");
                    yield outbox.refused(message.id(), refused.errorCode(), refused.permanent());
                }
                case NoAnswer noAnswer -> {
                    metrics.submit(SubmitResult.NO_ANSWER);
                    log.warn("Outbox message {} has no answer: {}; UNKNOWN, not sent again", message.id(), noAnswer.why());
                    yield outbox.noAnswer(message.id());
                }
                case NotSent notSent -> {
                    metrics.submit(SubmitResult.NOT_SENT);
                    log.debug("Outbox message {} not sent: {}; again in {} ms", message.id(), notSent.why(), notSent.delay().toMillis());
                    yield outbox.retryLater(message.id(), notSent.delay());
                }
            };
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        return recorded.whenComplete((done, error) -> {
            if (error != null) {
                metrics.outboxReportFailed();
                log.error("Outbox failed to record {} for message {}; it stays claimed for the janitor", outcome, message.id(), error);
            }
        });
    }

    private int freeWindowSlots() {
        int free = 0;
        for (BindSlot slot : slots) {
            free += slot.freeWindow();
        }
        return free;
    }

    /** A bind with a window permit taken, round robin over bound sessions; null after windowWaitMsMax. */
    private BindSlot acquireWindow() {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(settings.windowWaitMsMax());
        try {
            while (running) {
                int first = Math.floorMod(nextSlot.getAndIncrement(), slots.size());
                for (int offset = 0; offset < slots.size(); offset++) {
                    BindSlot slot = slots.get((first + offset) % slots.size());
                    if (slot.tryAcquireWindow()) {
                        return slot;
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                // Submits composed but not yet written cannot be answered, so their permits cannot
                // come back: write them before waiting for one.
                flushAll();
                awaitCapacity(Math.min(remaining, CAPACITY_RECHECK_NANOS));
            }
            return null;
        } finally {
            metrics.windowWait.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void awaitCapacity(long nanos) {
        capacityLock.lock();
        try {
            capacityChanged.awaitNanos(Math.min(nanos, CAPACITY_RECHECK_NANOS * 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            capacityLock.unlock();
        }
    }

    private void signalCapacity() {
        capacityLock.lock();
        try {
            capacityChanged.signalAll();
        } finally {
            capacityLock.unlock();
        }
    }

    private void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
