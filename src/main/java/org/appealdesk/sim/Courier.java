package org.appealdesk.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.appealdesk.platform.AwaitedAnswer;
import org.jsmpp.PDUStringException;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.util.DefaultComposer;
import org.jsmpp.util.PDUComposer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers MOs and receipts to the ESME with deliver_sm until each is acknowledged. A delivery due
 * while a bound session has a free window slot (round robin) and nothing is queued goes straight to
 * its session at once; otherwise one dispatcher thread takes deliveries in order from a bounded queue and
 * hands each over once a slot is free. Deliveries made due together (a millisecond's texts or
 * receipts, the queued ones the dispatcher finds slots for) leave in one write per session, after
 * the last of them is started ({@link SimSettings#deliveriesTogether}). No thread waits for the
 * deliver_sm_resp: jSMPP's reader hands it to the delivery ({@link DeliveringSession}), and a sweep every
 * {@link #TIMEOUT_SWEEP_MS} ends those unanswered within the response timeout. A refusal, a timeout or a broken session sends the same
 * delivery again after a capped exponential delay, to whichever session is bound then, so texts
 * survive an ESME restart.
 *
 * <p>Hazard: everything is bounded ({@link #READY_MAX}, {@link #SCHEDULED_MAX},
 * {@link #ATTEMPTS_MAX}); a delivery that hits a bound is dropped and counted in the ledger, never
 * queued without limit. A delivery counts as outstanding from creation until acknowledged or
 * dropped, which is what {@link SimulatedSmsc#awaitQuiet} waits on.
 */
final class Courier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Courier.class);

    /** Deliveries due now, waiting for a window slot. */
    static final int READY_MAX = 200_000;
    /** Deliveries waiting for their time (receipt delays, redelivery backoff, duplicates). */
    static final int SCHEDULED_MAX = 500_000;
    /** New traffic may fill the ready queue only this far per window slot, leaving room for retries and receipts. */
    static final int TRAFFIC_BACKLOG_PER_WINDOW_SLOT = 8;
    static final int TRAFFIC_BACKLOG_MIN = 64;
    /** A delivery refused or unanswered this many times is given up (and counted as dropped). */
    static final int ATTEMPTS_MAX = 100;
    /** Redelivery backoff stops doubling here (unless the configured first delay is already longer). */
    static final long REDELIVERY_DELAY_MS_CAP = 5_000;
    /** A network duplicate of an MO follows the original within this long. */
    static final long DUPLICATE_MO_DELAY_MS_MAX = 2_000;
    /** SMPP 3.4 short_message holds 254 octets; longer bodies go in message_payload. */
    static final int SHORT_MESSAGE_OCTETS_MAX = 254;
    private static final long DISPATCH_WAIT_MS = 50;
    private static final long CLOSE_WAIT_MS = 2_000;
    private static final long NANOS_PER_MILLI = 1_000_000;
    /** The dispatcher starts at most this many queued deliveries in one go before writing them. */
    static final int TOGETHER_MAX = 64;
    /** How often deliveries in flight are checked against their response timeout. */
    static final long TIMEOUT_SWEEP_MS = 20;

    private final SimSettings settings;
    private final SessionPool pool;
    private final GroundTruth truth;
    private final ScheduledExecutorService timers;
    private final InstantSource clock;
    private final LinkedBlockingDeque<Delivery> ready = new LinkedBlockingDeque<>(READY_MAX);
    private final AtomicInteger scheduled = new AtomicInteger();
    // Scheduled deliveries by the millisecond (of System.nanoTime) they fall due; guarded by itself.
    private final Map<Long, List<Delivery>> dueByMilli = new HashMap<>();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong dropsWarned = new AtomicLong();
    // deliver_sm PDUs made and handed to a session's writes (each attempt), for PDUs-per-write figures.
    private final AtomicLong deliverSmWritten = new AtomicLong();
    private final int trafficBacklogMax;
    private final PDUComposer composer = new DefaultComposer();
    private final long responseTimeoutNanos;
    // Deliveries written and not yet answered, in the order written (so in deadline order), for the sweep.
    private final ConcurrentLinkedQueue<AwaitedDelivery> inFlight = new ConcurrentLinkedQueue<>();
    private final Thread dispatcher;
    private volatile boolean running = true;
    /** The dispatcher has taken a delivery off the queue and waits for a window slot for it: nothing may overtake it. */
    private volatile boolean dispatcherHolding;

    Courier(SimSettings settings, SessionPool pool, GroundTruth truth, ScheduledExecutorService timers, InstantSource clock) {
        this.settings = settings;
        this.pool = pool;
        this.truth = truth;
        this.timers = timers;
        this.clock = clock;
        this.trafficBacklogMax = Math.max(TRAFFIC_BACKLOG_MIN, settings.windowSize() * TRAFFIC_BACKLOG_PER_WINDOW_SLOT);
        this.responseTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.deliverResponseTimeoutMs());
        this.dispatcher = daemon(this::dispatchLoop, "sim-dispatch");
    }

    void start() {
        dispatcher.start();
        timers.scheduleAtFixedRate(this::expireOverdue, TIMEOUT_SWEEP_MS, TIMEOUT_SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    /** deliver_sm PDUs handed to a session to write so far, every attempt counted. */
    long deliverSmWritten() {
        return deliverSmWritten.get();
    }

    long outstanding() {
        return outstanding.get();
    }

    boolean isRunning() {
        return running;
    }

    /** Whether new traffic may be handed over now without growing the backlog past its bound. */
    boolean hasTrafficRoom() {
        return running && ready.size() < trafficBacklogMax;
    }

    /** New genuine texts, all due now: those started at once leave in one write per session ({@link #startTogether}). */
    void sendTexts(List<Delivery.Mo> texts) {
        outstanding.addAndGet(texts.size());
        startTogether(texts);
    }

    /**
     * A new receipt, due after {@code delayMs}. Always handed to a timer thread, even when due now:
     * the caller is the SMSC's reader taking the submit (inside the charge desk's lock), and a
     * receipt written there would hold that lock across a socket write and always overtake the
     * submit_sm_resp jSMPP writes once the handler returns.
     */
    void sendReceipt(Delivery.Receipt receipt, long delayMs) {
        outstanding.incrementAndGet();
        truth.receiptCreated();
        schedule(receipt, Math.max(delayMs, 0));
    }

    /**
     * Hands due deliveries over, in order, as {@link #enqueue} does, but each session's share of
     * those started at once leaves in one socket write, after the last is started. Why: a write is
     * a system call here, and the ESME's reader wakes for each segment. One a delivery was about a
     * third of the traffic generator's and the receipt timer's CPU at 2,000 texts/s, where a
     * millisecond's few deliveries spread over the binds seldom share a write; at 10,000 texts/s
     * about three deliver_sm share one (BENCHMARKS.md, "Deliveries due together, written together").
     */
    private void startTogether(List<? extends Delivery> deliveries) {
        HeldWrites held = heldWrites();
        try {
            for (Delivery delivery : deliveries) {
                try {
                    enqueue(delivery, held);
                } catch (RuntimeException e) {
                    // A bug, not a network outcome: one delivery is dropped (counted), not the rest of the group.
                    LOG.error("cannot start {}: dropping it", kind(delivery), e);
                    drop(delivery);
                }
            }
        } finally {
            if (held != null) {
                held.send();
            }
        }
    }

    /** A new set of held writes, or null (each written at once) when the settings keep deliveries apart. */
    private HeldWrites heldWrites() {
        return settings.deliveriesTogether() ? new HeldWrites() : null;
    }

    /** Whether deliveries due together leave together ({@link SimSettings#deliveriesTogether}). */
    boolean deliveriesTogether() {
        return settings.deliveriesTogether();
    }

    /**
     * Hands a due delivery over: started at once when it can be ({@link #startNow}), else queued for
     * the dispatcher. A delivery started at once is written now, or held in {@code held} when given.
     */
    private void enqueue(Delivery delivery, HeldWrites held) {
        if (startNow(delivery, held)) {
            return;
        }
        if (!running) {
            drop(delivery); // closing: the queue may already have been emptied, and nothing would drop it there
            return;
        }
        if (!ready.offer(delivery)) {
            warnDrop("ready queue full at " + READY_MAX + " deliveries", delivery);
            drop(delivery);
        }
    }

    /** Makes {@code delivery} due after {@code delayMs}: at once on this thread when that is 0. */
    private void later(Delivery delivery, long delayMs) {
        if (delayMs <= 0) {
            enqueue(delivery, null);
            return;
        }
        schedule(delivery, delayMs);
    }

    /**
     * Makes {@code delivery} due on a timer thread after {@code delayMs}, 0 included, at the end of
     * the millisecond that falls in (never early, less than a millisecond late). Deliveries due in
     * the same millisecond share one timer task and leave together ({@link #startTogether}): at
     * 2,000 texts/s the timer threads, with a task and a write a receipt, took 0.07 cores.
     */
    private void schedule(Delivery delivery, long delayMs) {
        if (scheduled.incrementAndGet() > SCHEDULED_MAX) {
            scheduled.decrementAndGet();
            warnDrop(SCHEDULED_MAX + " deliveries already scheduled", delivery);
            drop(delivery);
            return;
        }
        if (!settings.deliveriesTogether()) {
            scheduleAlone(delivery, delayMs);
            return;
        }
        long dueMilli = Math.ceilDiv(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs), NANOS_PER_MILLI);
        boolean first;
        synchronized (dueByMilli) {
            List<Delivery> due = dueByMilli.get(dueMilli);
            first = due == null;
            if (first) {
                due = new ArrayList<>(4);
                dueByMilli.put(dueMilli, due);
            }
            due.add(delivery);
        }
        if (!first) {
            return; // the millisecond's task, scheduled by the first, takes this one too
        }
        try {
            timers.schedule(() -> startDue(dueMilli), dueMilli * NANOS_PER_MILLI - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Only while closing: the millisecond's deliveries die with the simulator.
            List<Delivery> due;
            synchronized (dueByMilli) {
                due = dueByMilli.remove(dueMilli);
            }
            if (due != null) {
                scheduled.addAndGet(-due.size());
                due.forEach(this::drop);
            }
        }
    }

    /** One timer task for one delivery, as before deliveries were grouped ({@link SimSettings#deliveriesTogether} off). */
    private void scheduleAlone(Delivery delivery, long delayMs) {
        try {
            timers.schedule(() -> {
                scheduled.decrementAndGet();
                enqueue(delivery, null);
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Only while closing: the delivery dies with the simulator.
            scheduled.decrementAndGet();
            drop(delivery);
        }
    }

    /** A timer's task: starts the deliveries due in {@code dueMilli}, together. */
    private void startDue(long dueMilli) {
        List<Delivery> due;
        synchronized (dueByMilli) {
            due = dueByMilli.remove(dueMilli);
        }
        if (due != null) {
            scheduled.addAndGet(-due.size());
            startTogether(due);
        }
    }

    private void dispatchLoop() {
        Delivery held = null;
        while (running) {
            try {
                if (held == null) {
                    held = ready.poll(DISPATCH_WAIT_MS, TimeUnit.MILLISECONDS);
                    if (held == null) {
                        continue;
                    }
                    dispatcherHolding = true;
                }
                SessionPool.Bound bound = pool.acquireReceiver(DISPATCH_WAIT_MS);
                if (bound == null) {
                    continue; // nobody bound, or every window full: keep holding it
                }
                Delivery delivery = held;
                held = null;
                startWithFollowers(bound, delivery); // no longer holding once it returns, whatever happened
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.warn("dispatcher carries on after an error", e);
            }
        }
        if (held != null) {
            drop(held);
        }
    }

    /**
     * The dispatcher's start of {@code delivery} on {@code bound}, with those queued behind it that
     * find a free window slot now, up to {@link #TOGETHER_MAX}, in one write per session. Under
     * load the ready queue is where every delivery waits, and one write each was the dispatcher's
     * share of the cost {@link #startTogether} saves. Nothing overtakes them meanwhile: the
     * dispatcher counts as holding until they are all started, so new deliveries queue behind.
     */
    private void startWithFollowers(SessionPool.Bound bound, Delivery delivery) {
        HeldWrites held = heldWrites();
        if (held == null) {
            dispatcherHolding = false;
            start(bound, delivery, null);
            return;
        }
        try {
            start(bound, delivery, held);
            for (int started = 1; started < TOGETHER_MAX && !ready.isEmpty(); started++) {
                SessionPool.Bound next = pool.tryAcquireReceiver();
                if (next == null) {
                    break;
                }
                Delivery follower = ready.poll();
                if (follower == null) {
                    pool.release(next);
                    break;
                }
                start(next, follower, held);
            }
        } finally {
            // Before the write: what is held is already ahead of anything started from now on, which
            // joins it in the session's next write, in order (CombinedWrites).
            dispatcherHolding = false;
            held.send();
        }
    }

    /**
     * Writes the delivery at once (or holds it for the caller's one write, {@code held}), on the
     * thread that made it due (the traffic generator or a timer), when nothing queued or held by the
     * dispatcher is ahead of it and a window slot is free, as below saturation. Hazard: that thread then writes to the ESME's socket, so an ESME
     * that stops reading holds it (the ESMEs here always read; the window bounds what is unread). Why:
     * handing every text to the dispatcher cost a park and a wake of its thread each (0.05 cores at
     * 5,000 texts/s, most of it in the kernel); the queue and the dispatcher remain for when the
     * windows are full.
     */
    private boolean startNow(Delivery delivery, HeldWrites held) {
        if (!running || dispatcherHolding || !ready.isEmpty()) {
            return false;
        }
        SessionPool.Bound bound = pool.tryAcquireReceiver();
        if (bound == null) {
            return false;
        }
        start(bound, delivery, held);
        return true;
    }

    /**
     * Writes the delivery on {@code bound}, whose window slot it holds until the delivery ends
     * ({@link #ended}); or, with {@code held}, adds it to the session's next write, which
     * {@code held} makes.
     */
    private void start(SessionPool.Bound bound, Delivery delivery, HeldWrites held) {
        dispatched(delivery);
        AwaitedDelivery awaited = new AwaitedDelivery(bound, delivery, System.nanoTime(), responseTimeoutNanos, this::ended);
        int sequenceNumber = awaited.registerWith(bound.session().deliveries());
        byte[] pdu;
        try {
            pdu = compose(sequenceNumber, delivery);
        } catch (PDUStringException | RuntimeException e) {
            // The simulator built a PDU jSMPP will not encode: a bug, and sending it again cannot help.
            LOG.error("cannot encode {}: dropping it", kind(delivery), e);
            awaited.withdraw(AwaitedDelivery.End.UNENCODABLE);
            return;
        }
        inFlight.add(awaited);
        deliverSmWritten.incrementAndGet();
        if (held != null) {
            held.hold(bound.session(), pdu);
            return;
        }
        try {
            bound.session().write(pdu);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} not delivered on {}: {}", kind(delivery), bound.label(), e.toString());
            awaited.withdraw(AwaitedDelivery.End.NOT_WRITTEN);
        }
    }

    private void dispatched(Delivery delivery) {
        switch (delivery) {
            case Delivery.Mo mo -> {
                truth.moDispatched(mo);
                mo.run().dispatched(mo);
            }
            case Delivery.Receipt receipt -> truth.receiptDispatched(receipt);
        }
    }

    /** How a delivery ended, on the thread that learnt it (jSMPP's reader, the sweep, the writer). */
    private void ended(AwaitedDelivery awaited, AwaitedDelivery.End end) {
        Delivery delivery = awaited.delivery();
        pool.release(awaited.bound());
        switch (end) {
            case ACKED -> acked(delivery, System.nanoTime() - awaited.startedNanos());
            case REFUSED -> {
                LOG.debug("{} refused by {} with 0x{}", kind(delivery), awaited.bound().label(), Integer.toHexString(awaited.commandStatus()));
                failed(delivery, false);
            }
            case TIMED_OUT -> failed(delivery, true);
            case NOT_WRITTEN -> failed(delivery, false);
            case UNENCODABLE -> drop(delivery); // sending it again cannot help
        }
    }

    /** Ends, as timed out, the deliveries unanswered within the response timeout. */
    private void expireOverdue() {
        try {
            AwaitedAnswer.expireOverdue(inFlight, awaited -> awaited.withdraw(AwaitedDelivery.End.TIMED_OUT));
        } catch (RuntimeException e) {
            LOG.warn("timeout sweep carries on after an error", e);
        }
    }

    private byte[] compose(int sequenceNumber, Delivery delivery) throws PDUStringException {
        return switch (delivery) {
            case Delivery.Mo mo -> composeMo(sequenceNumber, mo);
            case Delivery.Receipt receipt -> composeReceipt(sequenceNumber, receipt);
        };
    }

    private byte[] composeMo(int sequenceNumber, Delivery.Mo mo) throws PDUStringException {
        TextMessage text = mo.text();
        byte[] body = text.template().encoded();
        List<OptionalParameter> tlvs = new ArrayList<>(3);
        if (settings.sendMoIds() && settings.moIdTag() != 0) {
            tlvs.add(new OptionalParameter.COctetString((short) settings.moIdTag(), text.moId()));
        }
        if (settings.networkTag() != 0 && text.network() != null) {
            tlvs.add(new OptionalParameter.COctetString((short) settings.networkTag(), text.network()));
        }
        byte[] shortMessage = body;
        if (body.length > SHORT_MESSAGE_OCTETS_MAX) {
            tlvs.add(new OptionalParameter.Message_payload(body));
            shortMessage = new byte[0];
        }
        return composer.deliverSm(sequenceNumber, null,
                TypeOfNumber.INTERNATIONAL.value(), NumberingPlanIndicator.ISDN.value(), text.donor().digits(),
                TypeOfNumber.UNKNOWN.value(), NumberingPlanIndicator.UNKNOWN.value(), text.shortcode(),
                (byte) 0, (byte) 0, (byte) 0, (byte) 0,
                (byte) text.template().dataCoding().dataCoding(), shortMessage,
                tlvs.toArray(OptionalParameter[]::new));
    }

    private byte[] composeReceipt(int sequenceNumber, Delivery.Receipt receipt) throws PDUStringException {
        String text = ReceiptText.format(receipt.receiptId(), receipt.outcome(), receipt.submittedAt(), clock.instant(), receipt.originalText());
        List<OptionalParameter> tlvs = new ArrayList<>(3);
        tlvs.add(new OptionalParameter.Receipted_message_id(receipt.receiptId()));
        tlvs.add(new OptionalParameter.Message_state((byte) receipt.outcome().messageState()));
        if (settings.networkTag() != 0 && receipt.network() != null) {
            tlvs.add(new OptionalParameter.COctetString((short) settings.networkTag(), receipt.network()));
        }
        // esm_class 0x04: an SMSC delivery receipt.
        return composer.deliverSm(sequenceNumber, null,
                TypeOfNumber.INTERNATIONAL.value(), NumberingPlanIndicator.ISDN.value(), receipt.donor().digits(),
                TypeOfNumber.UNKNOWN.value(), NumberingPlanIndicator.UNKNOWN.value(), receipt.from(),
                (byte) 0x04, (byte) 0, (byte) 0, (byte) 0, (byte) 0,
                text.getBytes(StandardCharsets.US_ASCII), tlvs.toArray(OptionalParameter[]::new));
    }

    /**
     * A follow-up (network duplicate) is made outstanding before the acknowledged delivery stops
     * being so, so {@link #outstanding()} never touches zero in between.
     */
    private void acked(Delivery delivery, long elapsedNanos) {
        switch (delivery) {
            case Delivery.Mo mo -> {
                truth.moAcked(mo);
                mo.run().acked(mo, elapsedNanos);
                // Keyed by run and sequence, not moId: ids vary with the salt, duplicates must not.
                String key = mo.run().index() + "-" + mo.text().sequence();
                if (!mo.duplicate() && Draws.unit(settings.seed(), Draws.DUPLICATE_MO, key) < settings.duplicateMoProbability()) {
                    outstanding.incrementAndGet();
                    long delayMs = Draws.below(Draws.unit(settings.seed(), Draws.DUPLICATE_MO_DELAY, key), DUPLICATE_MO_DELAY_MS_MAX) + 1;
                    later(new Delivery.Mo(mo.text(), true, 0, mo.run()), delayMs);
                }
            }
            case Delivery.Receipt receipt -> {
                truth.receiptAcked();
                if (!receipt.duplicate() && Draws.unit(settings.seed(), Draws.DUPLICATE_RECEIPT, receipt.drawKey()) < settings.duplicateReceiptProbability()) {
                    long delayMs = Draws.below(Draws.unit(settings.seed(), Draws.RECEIPT_DELAY, receipt.drawKey() + "#duplicate"), settings.receiptDelayMsMax() + 1);
                    sendReceipt(receipt.asDuplicate(), delayMs);
                }
            }
        }
        outstanding.decrementAndGet();
    }

    private void failed(Delivery delivery, boolean timedOut) {
        if (delivery instanceof Delivery.Mo mo) {
            truth.moFailed(timedOut);
            mo.run().failed(mo, timedOut);
        }
        if (!running) {
            drop(delivery);
            return;
        }
        if (delivery.attempt() + 1 >= ATTEMPTS_MAX) {
            warnDrop("given up after " + ATTEMPTS_MAX + " attempts", delivery);
            drop(delivery);
            return;
        }
        later(delivery.nextAttempt(), redeliveryDelayMs(delivery.attempt()));
    }

    long redeliveryDelayMs(int attempt) {
        long first = settings.redeliveryDelayMs();
        long cap = Math.max(REDELIVERY_DELAY_MS_CAP, first);
        return Math.min(cap, first << Math.min(attempt, 20));
    }

    /** Logs the 1st, 2nd, 4th, 8th... drop with the running count: an overload must not flood the log. */
    private void warnDrop(String why, Delivery delivery) {
        long count = dropsWarned.incrementAndGet();
        if ((count & (count - 1)) == 0) {
            LOG.warn("{}: dropping {} ({} dropped so far for a bound)", why, kind(delivery), count);
        }
    }

    private void drop(Delivery delivery) {
        outstanding.decrementAndGet();
        switch (delivery) {
            case Delivery.Mo mo -> {
                truth.moDropped(mo);
                mo.run().dropped(mo);
            }
            case Delivery.Receipt receipt -> truth.receiptDropped();
        }
    }

    private static String kind(Delivery delivery) {
        return switch (delivery) {
            case Delivery.Mo mo -> (mo.duplicate() ? "duplicate MO " : "MO ") + mo.text().moId() + " attempt " + mo.attempt();
            case Delivery.Receipt receipt -> (receipt.duplicate() ? "duplicate receipt " : "receipt ") + receipt.receiptId() + " attempt " + receipt.attempt();
        };
    }

    /**
     * The sessions one thread has held deliveries on ({@link DeliveringSession#hold}), each written
     * once by {@link #send}. A write that fails loses what it carried, as any combined write does
     * ({@link CombinedWrites}): those deliveries are never answered, and the timeout sweep sends
     * them again after the response timeout, counted as timed out. (A delivery written alone is
     * withdrawn at once when its write fails, counted as refused: which of the held ones a failed
     * write carried is not known, as an earlier write of the same call may have carried some.)
     */
    private static final class HeldWrites {
        private final List<DeliveringSession> sessions = new ArrayList<>(4);

        void hold(DeliveringSession session, byte[] pdu) {
            session.hold(pdu);
            if (!sessions.contains(session)) {
                sessions.add(session);
            }
        }

        void send() {
            for (DeliveringSession session : sessions) {
                try {
                    session.sendHeld();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("deliveries held for one write not delivered: {}", e.toString());
                }
            }
            sessions.clear();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Stops dispatching; what is still queued is dropped (counted) once the deliveries in flight have ended. */
    @Override
    public void close() {
        running = false;
        try {
            dispatcher.join(CLOSE_WAIT_MS);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
            while (inFlight.stream().anyMatch(awaited -> !awaited.isOver()) && System.nanoTime() - deadline < 0) {
                expireOverdue();
                Thread.sleep(TIMEOUT_SWEEP_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AwaitedDelivery awaited;
        while ((awaited = inFlight.poll()) != null) {
            if (!awaited.isOver()) {
                LOG.warn("deliver_sm still in flight after {} ms; given up", CLOSE_WAIT_MS);
                awaited.withdraw(AwaitedDelivery.End.TIMED_OUT); // not running: dropped, counted
            }
        }
        Delivery left;
        while ((left = ready.poll()) != null) {
            drop(left);
        }
    }
}
