package org.appealdesk.sim;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated operator network / aggregator SMSC speaking SMPP 3.4 over loopback through jSMPP's
 * server side: the other end of docs/SMPP.md, for the demo, the load benchmark and end-to-end
 * tests. It delivers donors' texts (MOs) from {@link TrafficPlan}s, bills the charges the ESME
 * submits according to a seeded {@link FailureMix}, sends receipts, misbehaves as configured
 * (throttling, duplicates, late or missing receipts, unanswered submits) and keeps the ground
 * truth in a {@link SimLedger}.
 *
 * <p>Design: {@link BindGate} accepts and authenticates binds; {@link ChargeDesk} answers
 * submit_sm; {@link Courier} delivers every deliver_sm until acknowledged, round robin over the
 * bound sessions with a per-session window; {@link GroundTruth} records everything. All of it is
 * bounded and all waits have deadlines; {@link #close()} ends every thread it started.
 *
 * <pre>{@code
 * try (SimulatedSmsc smsc = SimulatedSmsc.start(SimSettings.defaults(42))) {
 *     // bind the ESME to 127.0.0.1:smsc.port() ...
 *     TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(200, Duration.ofSeconds(30)));
 *     run.awaitAcked(Duration.ofMinutes(1));
 *     smsc.awaitQuiet(Duration.ofMinutes(1));
 *     assert smsc.ledger().donorsBilledMoreThanTexted().isEmpty();
 * }
 * }</pre>
 */
public final class SimulatedSmsc implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedSmsc.class);

    /** Traffic runs playing at once. */
    public static final int RUNS_ACTIVE_MAX = 8;
    /** Runs remembered over the simulator's life (each holds two histograms). */
    public static final int RUNS_MAX = 1_000;
    private static final int TIMER_THREADS = 2;
    private static final long QUIET_POLL_MS = 10;
    private static final long TIMERS_CLOSE_WAIT_MS = 1_000;

    private final SimSettings settings;
    private final ScheduledThreadPoolExecutor timers;
    private final GroundTruth truth;
    private final SessionPool pool;
    private final Courier courier;
    private final BindGate gate;
    private final MessageIds ids;
    private final ThankYouMatcher thanks = new ThankYouMatcher();
    private final List<TrafficRun> runs = new CopyOnWriteArrayList<>();
    private final AtomicInteger runCount = new AtomicInteger();
    private volatile boolean closed;

    private SimulatedSmsc(SimSettings settings, InstantSource clock) {
        this.settings = settings;
        AtomicInteger timerCount = new AtomicInteger();
        this.timers = new ScheduledThreadPoolExecutor(TIMER_THREADS, r -> {
            Thread thread = new Thread(r, "sim-timer-" + timerCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        this.ids = new MessageIds(settings, resolvedSalt(settings));
        this.pool = new SessionPool(settings.windowSize());
        this.truth = new GroundTruth(clock, this::outstandingDeliveries, ids::messageId);
        this.courier = new Courier(settings, pool, truth, timers, clock);
        ChargeDesk desk = new ChargeDesk(settings, truth, courier, ids, clock, thanks);
        try {
            this.gate = new BindGate(settings, pool, desk);
        } catch (RuntimeException e) {
            courier.close();
            timers.shutdownNow();
            throw e;
        }
    }

    /** For the ledger; only called after construction, when the courier exists. */
    private long outstandingDeliveries() {
        return courier.outstanding();
    }

    private static long resolvedSalt(SimSettings settings) {
        if (settings.idSalt() != SimSettings.ID_SALT_FRESH) {
            return settings.idSalt();
        }
        long fresh = Draws.mix(System.nanoTime() ^ Draws.mix(System.currentTimeMillis()));
        return fresh == SimSettings.ID_SALT_FRESH ? 1 : fresh;
    }

    /** Starts listening on the configured loopback address; refuses to start on a bad setting. */
    public static SimulatedSmsc start(SimSettings settings) {
        return start(settings, InstantSource.system());
    }

    /** As {@link #start(SimSettings)}, with receipt dates and ledger times from {@code clock}. */
    public static SimulatedSmsc start(SimSettings settings, InstantSource clock) {
        if (settings == null || clock == null) {
            throw new IllegalArgumentException("settings and clock are required");
        }
        if (settings.sendMoIds() == false && settings.duplicateMoProbability() > 0) {
            LOG.warn("duplicate MOs without moIds: the ESME cannot tell them from new gifts (duplicateMoProbability {})", settings.duplicateMoProbability());
        }
        SimulatedSmsc smsc = new SimulatedSmsc(settings, clock);
        smsc.courier.start();
        smsc.gate.start();
        LOG.info("simulated SMSC listening on {}:{} (seed {}, window {})", settings.host(), smsc.port(), settings.seed(), settings.windowSize());
        return smsc;
    }

    /** The TCP port it listens on (the free port chosen when settings.port() was 0). */
    public int port() {
        return gate.port();
    }

    public SimSettings settings() {
        return settings;
    }

    /** Sessions currently bound (transceiver, receiver or transmitter). */
    public int boundSessions() {
        return pool.size();
    }

    /**
     * Starts playing {@code plan} at once; texts wait in the delivery queue until an ESME binds.
     *
     * @throws IllegalStateException when closed or {@link #RUNS_ACTIVE_MAX} runs are playing
     */
    public synchronized TrafficRun play(TrafficPlan plan) {
        if (closed) {
            throw new IllegalStateException("simulator closed");
        }
        long active = runs.stream().filter(r -> !r.isDone()).count();
        if (active >= RUNS_ACTIVE_MAX) {
            throw new IllegalStateException(active + " traffic runs are playing, at most " + RUNS_ACTIVE_MAX);
        }
        if (runCount.get() >= RUNS_MAX) {
            throw new IllegalStateException(RUNS_MAX + " traffic runs played: start a new simulator");
        }
        TrafficRun run = new TrafficRun(runCount.getAndIncrement(), plan, settings.seed(), courier, truth, ids, thanks);
        runs.add(run);
        run.start();
        return run;
    }

    /**
     * The ids of every SMPP session the simulator has opened. jSMPP names a session's threads after
     * its id ("PDUReaderWorker-<id>", "EnquireLinkSender-<id>") on both ends of a bind alike, so a
     * benchmark tells the simulator's threads from the ESME's by these.
     */
    public Set<String> sessionIds() {
        return gate.sessionIds();
    }

    /** Every traffic run played so far, oldest first (ended ones included: their generators' CPU is read from them). */
    public List<TrafficRun> runs() {
        return List.copyOf(runs);
    }

    /**
     * Thank-yous received so far over the simulator's life: free messages joined to a donor's fully
     * billed gift (each also timed in its run's {@link TrafficRun#textToThankYouMicros()}).
     * Cheap enough to poll every second under load, unlike {@link #ledger()}.
     */
    public long thankYous() {
        return thanks.thankYous();
    }

    /** How the join of texts to thank-yous went, to judge the text-to-thank-you figures by. */
    public ThankYouTally thankYouTally() {
        return thanks.tally();
    }

    /** A consistent snapshot of the ground truth. */
    public SimLedger ledger() {
        return truth.snapshot();
    }

    /**
     * Waits until every run has stopped generating and every MO, duplicate and receipt has been
     * acknowledged or given up (late receipts included).
     */
    public boolean awaitQuiet(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runs.stream().anyMatch(r -> !r.isDone()) || courier.outstanding() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(QUIET_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** deliver_sm PDUs (texts and receipts, every attempt) the simulator has handed to its sessions to write. */
    public long deliverSmWritten() {
        return courier.deliverSmWritten();
    }

    /** Socket writes the simulator made on the sessions open now (deliveries, answers, jSMPP's own PDUs). */
    public long socketWrites() {
        return gate.socketWrites();
    }

    /** Stops traffic, unbinds the sessions, stops listening; every wait is bounded. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        runs.forEach(TrafficRun::stop);
        gate.close();
        courier.close();
        timers.shutdownNow();
        try {
            if (!timers.awaitTermination(TIMERS_CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("timer threads still busy after {} ms", TIMERS_CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("simulated SMSC on port {} closed: {}", port(), truth.snapshot().summary());
    }
}
