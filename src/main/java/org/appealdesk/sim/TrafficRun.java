package org.appealdesk.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One playing of a {@link TrafficPlan}: a generator thread that creates donors' texts on an
 * open-loop schedule and hands them to the SMSC's delivery queue, plus the counts and latencies of
 * what became of them.
 *
 * <p>Open loop: arrivals follow the schedule, not the ESME's replies. Hand-over is bounded by the
 * delivery backlog (a few times the deliver window); when the ESME falls behind, the generator
 * waits for room and records how late each text left ({@link #scheduleLagMicros()}) instead of
 * queueing without limit. It gives up ("stalled") if no room appears for {@link #HANDOFF_WAIT_MS_MAX}.
 *
 * <p>Texts leave at the end of the millisecond of the run they fall due in ({@link #SEND_TICK_NANOS}),
 * all of that millisecond's together, in one socket write per session where they can start at
 * once: never early, less than a millisecond late (counted in the schedule lag and the thank-you
 * latency, which run from the text's due time). Why: a wake-up and a write for each text cost the
 * generator most of its CPU, CPU the platform under test shares on a small machine (BENCHMARKS.md,
 * "Deliveries due together, written together"). A real SMSC's links batch too: TCP carries what
 * is ready in one segment. With {@link SimSettings#deliveriesTogether} off, each text leaves alone
 * when due, as before.
 *
 * <p>Determinism: the texts (donor, template, order, moId) come from the seed and the run's
 * number only; the schedule has its own random stream, so changing the rate does not change the
 * texts.
 */
public final class TrafficRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrafficRun.class);

    /** The generator waits at most this long for room in the delivery backlog before giving up. */
    public static final long HANDOFF_WAIT_MS_MAX = 60_000;
    /** Latencies above an hour are recorded as an hour. */
    public static final long LATENCY_MICROS_MAX = 3_600_000_000L;
    /** Texts due in the same tick of the run leave together at its end. */
    static final long SEND_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** At most this many texts leave together; a generator that is behind sends in groups of this. */
    static final int LEAVING_MAX = 64;
    private static final long PARK_NANOS_MAX = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long ROOM_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long PROGRESS_WAIT_MS = 20;
    private static final long STOP_JOIN_MS = 2_000;

    private final int index;
    private final TrafficPlan plan;
    private final long seed;
    private final Courier courier;
    private final GroundTruth truth;
    private final MessageIds ids;
    private final ThankYouMatcher thanks;
    private final Thread generator;
    private final Object progress = new Object();
    private volatile boolean stopRequested;
    private volatile boolean generationFinished;
    // The generator thread's CPU time when it ended (ns); -1 before, or where the JVM cannot tell.
    private volatile long generatorCpuNanos = -1;
    private volatile String endReason = "running";

    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong duplicatesSent = new AtomicLong();
    private final AtomicLong duplicatesAcked = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedUnsent = new AtomicLong();
    private final AtomicLong lagMicrosMax = new AtomicLong();
    private final Histogram ackLatencyMicros = new SynchronizedHistogram(LATENCY_MICROS_MAX, 3);
    private final Histogram scheduleLagMicros = new SynchronizedHistogram(LATENCY_MICROS_MAX, 3);
    private final Histogram thankYouLatencyMicros = new SynchronizedHistogram(LATENCY_MICROS_MAX, 3);
    private final AtomicLong thankYous = new AtomicLong();
    /** Made once, not per text: the generator hands it to the thank-you join with every gift. */
    private final java.util.function.LongConsumer onThanked = this::thanked;

    TrafficRun(int index, TrafficPlan plan, long seed, Courier courier, GroundTruth truth, MessageIds ids, ThankYouMatcher thanks) {
        this.index = index;
        this.plan = plan;
        this.seed = seed;
        this.courier = courier;
        this.truth = truth;
        this.ids = ids;
        this.thanks = thanks;
        this.generator = new Thread(this::generate, "sim-traffic-" + index);
        generator.setDaemon(true);
    }

    void start() {
        generator.start();
    }

    private void generate() {
        String reason = "count reached";
        // Texts made and not yet handed to the courier: those due in the same tick.
        List<Delivery.Mo> leaving = new ArrayList<>(LEAVING_MAX);
        try {
            SplittableRandom content = new SplittableRandom(Draws.mix(seed * 0x5DEECE66DL + index) ^ 0x434F4E54454E54L);
            SplittableRandom gaps = new SplittableRandom(Draws.mix(seed * 0x2545F491L + index) ^ 0x47415053L);
            DonorPool donors = DonorPool.generate(seed, plan.donorPoolSize(), plan.networkShares());
            double[] cumulative = cumulativeWeights();
            double meanGapNanos = 1e9 / plan.ratePerSecond();
            boolean together = courier.deliveriesTogether();
            long start = System.nanoTime();
            long end = start + plan.durationMax().toNanos();
            long due = start;
            for (long sequence = 0; sequence < plan.countMax(); sequence++) {
                due += (long) (-Math.log(1.0 - gaps.nextDouble()) * meanGapNanos);
                if (due - end > 0) {
                    reason = "duration reached";
                    break;
                }
                // Drawn before any waiting, so what is sent never depends on timing.
                DonorPool.Donor donor = donors.pick(content);
                TextTemplate template = plan.mix().get(DonorPool.pick(cumulative, content.nextDouble())).template();
                long leaves = together ? start + Math.ceilDiv(due - start, SEND_TICK_NANOS) * SEND_TICK_NANOS : due;
                // Those waiting leave before this thread waits for anything, or when there are enough.
                if (!leaving.isEmpty() && (leaves - System.nanoTime() > 0 || leaving.size() >= LEAVING_MAX || !courier.hasTrafficRoom())) {
                    leave(leaving);
                }
                if (!waitUntil(leaves)) {
                    reason = stopRequested ? "stopped" : "simulator closed";
                    break;
                }
                if (!waitForRoom()) {
                    reason = stopRequested ? "stopped" : courier.isRunning() ? "stalled: no room for " + HANDOFF_WAIT_MS_MAX + " ms" : "simulator closed";
                    break;
                }
                recordLag(System.nanoTime() - due);
                TextMessage text = new TextMessage(ids.moId(index, sequence), sequence, donor.number(), donor.network(), plan.shortcode(), template);
                generated.incrementAndGet();
                truth.textGenerated(text);
                thanks.textDue(onThanked, text, due);
                leaving.add(new Delivery.Mo(text, false, 0, this));
                if (!together) {
                    leave(leaving);
                }
            }
        } catch (RuntimeException e) {
            reason = "failed: " + e;
            LOG.error("traffic run {} failed after {} texts", index, generated.get(), e);
        } finally {
            // Texts made are counted as generated: they must go (or be dropped, counted) whatever ended the run.
            try {
                leave(leaving);
            } catch (RuntimeException e) {
                reason = "failed: " + e;
                LOG.error("traffic run {} failed handing over its last texts", index, e);
            }
            endReason = reason;
            generationFinished = true;
            wakeWaiters();
            LOG.info("traffic run {} ended ({}) after {} texts, lag max {} ms", index, reason, generated.get(), lagMsMax());
            // Last, so little of the thread's time is left out; a reader that still sees -1 sees the thread alive.
            generatorCpuNanos = ownCpuNanos();
        }
    }

    /** Hands {@code texts} to the courier and empties the list first, so nothing is handed over twice. */
    private void leave(List<Delivery.Mo> texts) {
        if (!texts.isEmpty()) {
            List<Delivery.Mo> group = List.copyOf(texts);
            texts.clear();
            courier.sendTexts(group);
        }
    }

    private double[] cumulativeWeights() {
        double total = plan.mix().stream().mapToDouble(TrafficPlan.Share::weight).sum();
        double[] cumulative = new double[plan.mix().size()];
        double running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += plan.mix().get(i).weight() / total;
            cumulative[i] = running;
        }
        return cumulative;
    }

    private boolean waitUntil(long dueNanos) {
        long now;
        while ((now = System.nanoTime()) - dueNanos < 0) {
            if (stopRequested || !courier.isRunning()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(dueNanos - now, PARK_NANOS_MAX));
        }
        return !stopRequested && courier.isRunning();
    }

    private boolean waitForRoom() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANDOFF_WAIT_MS_MAX);
        while (!courier.hasTrafficRoom()) {
            if (stopRequested || !courier.isRunning() || System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(ROOM_POLL_NANOS);
        }
        return true;
    }

    private void recordLag(long lagNanos) {
        long micros = Math.min(LATENCY_MICROS_MAX, Math.max(0, lagNanos / 1_000));
        scheduleLagMicros.recordValue(micros);
        lagMicrosMax.accumulateAndGet(micros, Math::max);
    }

    // Called by the courier as deliveries of this run's texts progress.

    void dispatched(Delivery.Mo mo) {
        if (mo.attempt() > 0) {
            redelivered.incrementAndGet();
        } else if (mo.duplicate()) {
            duplicatesSent.incrementAndGet();
        } else {
            sent.incrementAndGet();
            wakeWaiters();
        }
    }

    void acked(Delivery.Mo mo, long elapsedNanos) {
        if (mo.duplicate()) {
            duplicatesAcked.incrementAndGet();
            return;
        }
        // Recorded before it is counted: a waiter that sees the count (awaitAcked) then finds its latency.
        ackLatencyMicros.recordValue(Math.min(LATENCY_MICROS_MAX, elapsedNanos / 1_000));
        acked.incrementAndGet();
        wakeWaiters();
    }

    /** One of this run's gifts was thanked, {@code latencyNanos} after its text was due (see {@link ThankYouMatcher}). */
    void thanked(long latencyNanos) {
        thankYouLatencyMicros.recordValue(Math.min(LATENCY_MICROS_MAX, Math.max(0, latencyNanos / 1_000)));
        thankYous.incrementAndGet();
    }

    void failed(Delivery.Mo mo, boolean timeout) {
        (timeout ? timedOut : refused).incrementAndGet();
    }

    void dropped(Delivery.Mo mo) {
        if (mo.duplicate()) {
            return;
        }
        dropped.incrementAndGet();
        if (mo.attempt() == 0) {
            droppedUnsent.incrementAndGet();
        }
        wakeWaiters();
    }

    private void wakeWaiters() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Waits until generation has ended and every text was sent at least once (or given up). */
    public boolean awaitSent(Duration timeout) {
        return awaitProgress(timeout, () -> sent.get() + droppedUnsent.get() >= generated.get());
    }

    /** Waits until generation has ended and every genuine text was acknowledged (or given up). */
    public boolean awaitAcked(Duration timeout) {
        return awaitProgress(timeout, () -> acked.get() + dropped.get() >= generated.get());
    }

    private boolean awaitProgress(Duration timeout, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(generationFinished && done.getAsBoolean())) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                return false;
            }
            synchronized (progress) {
                try {
                    progress.wait(Math.min(remainingMs, PROGRESS_WAIT_MS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Stops creating texts (those already created are still delivered); waits briefly for the generator. */
    public void stop() {
        stopRequested = true;
        if (Thread.currentThread() != generator) {
            try {
                generator.join(STOP_JOIN_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int index() {
        return index;
    }

    /**
     * The generator thread's CPU time at its end, in ns; -1 while it runs or where the JVM cannot
     * measure it. Why: the thread is gone by the time a benchmark reads its threads' CPU after the
     * run, and the generator is a large part of the load generator's share.
     */
    public long generatorCpuNanos() {
        return generatorCpuNanos;
    }

    /** The generator thread's id, to match {@link #generatorCpuNanos()} with a reading of live threads. */
    public long generatorThreadId() {
        return generator.threadId();
    }

    public String generatorThreadName() {
        return generator.getName();
    }

    private static long ownCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }

    public TrafficPlan plan() {
        return plan;
    }

    public boolean isDone() {
        return generationFinished;
    }

    /** Why generation ended ("count reached", "duration reached", "stopped", "stalled: ...") or "running". */
    public String endReason() {
        return endReason;
    }

    /** Genuine texts created (each a donor pressing send). */
    public long generated() {
        return generated.get();
    }

    /** Genuine texts handed to a session at least once. */
    public long sent() {
        return sent.get();
    }

    /** Genuine texts acknowledged with deliver_sm_resp OK. */
    public long acked() {
        return acked.get();
    }

    /** deliver_sm attempts (of this run's texts) answered with an error status. */
    public long refused() {
        return refused.get();
    }

    /** deliver_sm attempts with no answer within the response timeout. */
    public long timedOut() {
        return timedOut.get();
    }

    /** deliver_sm sent again after a refusal, a timeout or a broken session. */
    public long redelivered() {
        return redelivered.get();
    }

    /** Network duplicates (same moId after an ack) sent. */
    public long duplicatesSent() {
        return duplicatesSent.get();
    }

    public long duplicatesAcked() {
        return duplicatesAcked.get();
    }

    /** Genuine texts given up on (a bound reached): each one is a text the ESME never saw acknowledged. */
    public long dropped() {
        return dropped.get();
    }

    /** deliver_sm to deliver_sm_resp, in microseconds, for each genuine text's successful attempt. A copy. */
    public Histogram ackLatencyMicros() {
        return ackLatencyMicros.copy();
    }

    /** How late each text left against its schedule, in microseconds. A copy. */
    public Histogram scheduleLagMicros() {
        return scheduleLagMicros.copy();
    }

    /**
     * From the moment a donation text was due (its place in the schedule, so generator lag counts
     * against it) to the free thank-you the SMSC received for it, in microseconds, for each of this
     * run's gifts that was fully billed and thanked. A copy. The join of thank-you to text is by
     * donor and order; {@link SimulatedSmsc#thankYouTally()} says how well it went.
     */
    public Histogram textToThankYouMicros() {
        return thankYouLatencyMicros.copy();
    }

    /** This run's gifts thanked so far (the count behind {@link #textToThankYouMicros()}). */
    public long thankYous() {
        return thankYous.get();
    }

    public long lagMsMax() {
        return lagMicrosMax.get() / 1_000;
    }

    @Override
    public String toString() {
        return "TrafficRun[" + index + " " + endReason + ": generated=" + generated + " sent=" + sent + " acked=" + acked
                + " refused=" + refused + " timedOut=" + timedOut + " redelivered=" + redelivered
                + " duplicates=" + duplicatesSent + " dropped=" + dropped + " lagMsMax=" + lagMsMax() + "]";
    }
}
