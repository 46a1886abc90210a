package org.appealdesk.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: many callers hand in one item each; one writer thread commits them together,
 * up to {@code batchSizeMax} items per transaction, and completes each caller's future only after
 * the commit. Durable commits cost one fsync each, so sharing them is what makes hundreds or
 * thousands of acknowledged texts per second possible.
 *
 * <p>Hazard: one bad item must not sink its neighbours for ever. When a batch's transaction fails,
 * each item is retried alone in its own transaction, so only the item that really fails completes
 * exceptionally (and its adapter refuses it with a temporary error, so the network sends it again).
 *
 * <p>The queue is bounded ({@code queueCapacity}): when it is full, {@link #submit} fails at once
 * instead of letting memory grow, which adapters turn into back-pressure on the network.
 *
 * <p>Each statement of a batch is planned once per connection and its plan kept, with sequential
 * scans ruled out ({@link #KEYED_PLANS}; see there for why). That is safe because a batch's
 * statements find their rows by key (ids, hashes, message ids in arrays): see {@link BatchWork}.
 */
public final class GroupCommitter<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    /**
     * The work for one batch: runs inside the transaction and returns one output per input, in
     * order. {@link #run} may be called again for the same batch when the database retries the
     * transaction; after the last call, exactly one of {@link #committed} and {@link #rolledBack}
     * follows, on the writer thread, before the callers learn the outcome.
     *
     * <p>Its statements must find their rows by key: they run with one kept (generic) plan each and
     * sequential scans off ({@link #KEYED_PLANS}). A statement whose plan should depend on its
     * values ({@code limit ?}, a range, a skewed {@code state = ?}) belongs in a transaction of its
     * own, as the outbox claim and the pending-text sweep are. Its SQL text should not also be run
     * outside batches: a plan made there, with sequential scans allowed, would be kept here too.
     */
    @FunctionalInterface
    public interface BatchWork<I, O> {
        List<O> run(Connection connection, List<I> items) throws SQLException;

        /** The batch's transaction committed: work that must wait for durability (handing messages on) goes here. */
        default void committed() {
        }

        /** The batch's transaction failed and was rolled back. */
        default void rolledBack() {
        }
    }

    /** The largest batchSizeMax a setting allows, and so the batch-size histogram's range. */
    static final int BATCH_SIZE_MAX = 10_000;

    public record Settings(String name, int batchSizeMax, int queueCapacity, Duration lingerMax) {
        public Settings {
            if (batchSizeMax < 1 || batchSizeMax > BATCH_SIZE_MAX) {
                throw new IllegalArgumentException(name + ".batchSizeMax must be 1-" + BATCH_SIZE_MAX + ", got " + batchSizeMax);
            }
            if (queueCapacity < batchSizeMax || queueCapacity > 1_000_000) {
                throw new IllegalArgumentException(name + ".queueCapacity must be batchSizeMax-1000000, got " + queueCapacity);
            }
            if (lingerMax.isNegative() || lingerMax.toMillis() > 1_000) {
                throw new IllegalArgumentException(name + ".lingerMax must be 0-1000 ms, got " + lingerMax);
            }
        }
    }

    /** One caller's item, with when it was queued (System.nanoTime) for the latency figures. */
    private record Pending<I, O>(I item, CompletableFuture<O> result, long queuedAt) {
    }

    /**
     * Run first in each batch's transaction, for that transaction only: keep one plan per
     * statement, and plan no sequential scan.
     *
     * <p>Why: PostgreSQL plans a prepared statement afresh on each call while that looks cheaper
     * than its kept (generic) plan, and a generic plan assumes an array parameter holds 10
     * elements, so statements keyed by small batches' arrays (quiet hours) were planned on nearly
     * every call: at 500 texts/s, 15% of PostgreSQL's CPU (BENCHMARKS.md, "Plans kept in the
     * writers"). A kept plan lives until the connection closes or an ANALYZE of its tables, and one
     * made while a table is still empty (a new installation) reads the whole table: the outbox's
     * read by ids is a sequential scan then, and the ledger's key check a hash join over the whole
     * journal. Kept, it would run so at every call until autovacuum next analysed the table,
     * perhaps thousands of rows later. So plans made in a batch rule sequential scans out. The
     * settings do not replan what is already kept, so a statement's text should not be shared
     * with code outside batches ({@link BatchWork}).
     *
     * <p>The cost is one more round trip a batch (about 8 µs of PostgreSQL's time). A pool of the
     * writers' own, with these settings in its connection options, would save it, but the writers'
     * services also run their claims and sweeps on the shared pool, and each would need both.
     */
    static final String KEYED_PLANS =
            "select set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";

    /** A batch lingers for more items only while it holds less than 1/this of its maximum ({@link #fill}). */
    static final int LINGER_BELOW_SHARE = 2;
    /** Latencies are kept in microseconds up to this (a longer one is recorded as this). */
    static final long LATENCY_MICROS_MAX = TimeUnit.MINUTES.toMicros(10);
    /** Two significant digits (1%) is all a percentile report needs, and keeps each histogram at 25 KB instead of 170 with three. */
    static final int LATENCY_DIGITS = 2;

    private final Settings settings;
    private final Database database;
    private final BatchWork<I, O> work;
    private final BlockingQueue<Pending<I, O>> queue;
    private final Thread writer;
    private volatile boolean running = true;
    // Written only by the writer thread; read by anyone for statistics (a torn read is harmless).
    private volatile long batches;
    private volatile long items;
    private volatile long commitNanos;
    private volatile long batchSizeLargest;
    // Per item, since start: queued until its batch began, and queued until its batch committed.
    // Written by the writer thread; copied under their own lock by stats().
    private final SynchronizedHistogram waitMicros = new SynchronizedHistogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
    private final SynchronizedHistogram committedMicros = new SynchronizedHistogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
    // Per batch: the COMMIT alone, from the batch's last statement to the commit returning (the
    // durable WAL flush). A slow one holds every item queued behind it.
    private final SynchronizedHistogram durableCommitMicros = new SynchronizedHistogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
    // Per batch: the whole transaction (statements and COMMIT), and its number of items. Set beside
    // the per-item figures they show how a latency tail forms: one slow batch holds everything that
    // queues behind it, and the larger batches that follow take longer again (BENCHMARKS.md).
    private final SynchronizedHistogram batchMicros = new SynchronizedHistogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
    private final SynchronizedHistogram batchItems = new SynchronizedHistogram(BATCH_SIZE_MAX, LATENCY_DIGITS);

    /**
     * What the writer has done so far: for logs, benchmarks and finding the bottleneck. For several
     * writers together, {@code commitNanos} is their sum and {@code writers} how many there are.
     * {@code waitMicros} and {@code committedMicros} hold, per item, the time from being queued to
     * its batch starting, and to its batch committing: the part of a caller's latency spent here,
     * split into waiting for the writer and the writer's own work. {@code durableCommitMicros}
     * holds, per batch, the COMMIT alone (the durable flush), apart from the batch's statements;
     * {@code batchMicros} the whole transaction, and {@code batchItems} its number of items.
     */
    public record Stats(String name, long batches, long items, long commitNanos, long batchSizeLargest, int queued, int writers,
                        Histogram waitMicros, Histogram committedMicros, Histogram durableCommitMicros,
                        Histogram batchMicros, Histogram batchItems) {

        /** Several writers' figures as one: counts, commit time and histograms summed, the largest batch. */
        public static Stats combine(String name, List<Stats> parts) {
            Histogram wait = new Histogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
            Histogram committed = new Histogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
            Histogram durable = new Histogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
            Histogram batchTime = new Histogram(LATENCY_MICROS_MAX, LATENCY_DIGITS);
            Histogram batchSize = new Histogram(BATCH_SIZE_MAX, LATENCY_DIGITS);
            long batches = 0;
            long items = 0;
            long commitNanos = 0;
            long largest = 0;
            int queued = 0;
            for (Stats one : parts) {
                batches += one.batches();
                items += one.items();
                commitNanos += one.commitNanos();
                largest = Math.max(largest, one.batchSizeLargest());
                queued += one.queued();
                wait.add(one.waitMicros());
                committed.add(one.committedMicros());
                durable.add(one.durableCommitMicros());
                batchTime.add(one.batchMicros());
                batchSize.add(one.batchItems());
            }
            return new Stats(name, batches, items, commitNanos, largest, queued, parts.size(), wait, committed, durable, batchTime, batchSize);
        }

        /** The share of {@code windowNanos} the average writer spent committing: near 1 means saturated. */
        public double busyShare(long commitNanosInWindow, long windowNanos) {
            return (double) commitNanosInWindow / Math.max(1, writers) / Math.max(1, windowNanos);
        }

        public double itemsPerBatch() {
            return batches == 0 ? 0 : (double) items / batches;
        }

        public double commitMsPerBatch() {
            return batches == 0 ? 0 : commitNanos / 1e6 / batches;
        }

        @Override
        public String toString() {
            return String.format("%s: %d items in %d batches (%.1f per batch, largest %d), %.2f ms per batch, %d queued",
                    name, items, batches, itemsPerBatch(), batchSizeLargest, commitMsPerBatch(), queued);
        }
    }

    /** Most writers one stream of items may be split over (each holds a pooled connection while it commits). */
    public static final int WRITERS_MAX = 8;

    /** Refuses a writer count outside 1-{@link #WRITERS_MAX}, naming the setting it came from. */
    public static void requireWriters(String setting, int writers) {
        if (writers < 1 || writers > WRITERS_MAX) {
            throw new IllegalArgumentException(setting + " must be 1-" + WRITERS_MAX + ", got " + writers);
        }
    }

    /**
     * {@code count} writers of the same kind of work, each with its own thread, queue and work
     * ({@code work} is asked once per writer); named {@code name-0}, {@code name-1}... when more than one.
     */
    public static <I, O> List<GroupCommitter<I, O>> writers(Settings settings, int count, Database database, Supplier<BatchWork<I, O>> work) {
        requireWriters(settings.name() + " writers", count);
        List<GroupCommitter<I, O>> created = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            Settings named = count == 1 ? settings
                    : new Settings(settings.name() + "-" + index, settings.batchSizeMax(), settings.queueCapacity(), settings.lingerMax());
            created.add(new GroupCommitter<>(named, database, work.get()));
        }
        return List.copyOf(created);
    }

    /** Several writers' figures as one ({@link Stats#combine}), named "name (n writers)" when more than one. */
    public static Stats combinedStats(List<? extends GroupCommitter<?, ?>> writers) {
        List<Stats> each = writers.stream().map(GroupCommitter::stats).toList();
        String first = each.getFirst().name();
        String name = writers.size() == 1 ? first : first.replaceAll("-0$", "") + " (" + writers.size() + " writers)";
        return Stats.combine(name, each);
    }

    public Stats stats() {
        return new Stats(settings.name(), batches, items, commitNanos, batchSizeLargest, queue.size(), 1,
                waitMicros.copy(), committedMicros.copy(), durableCommitMicros.copy(), batchMicros.copy(), batchItems.copy());
    }

    public GroupCommitter(Settings settings, Database database, BatchWork<I, O> work) {
        this.settings = settings;
        this.database = database;
        this.work = work;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = Thread.ofPlatform().name("group-commit-" + settings.name()).daemon().start(this::writeLoop);
    }

    /** Queues one item; the future completes after its batch commits, or fails with the reason. */
    public CompletableFuture<O> submit(I item) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new RejectedExecutionException(settings.name() + " is closed"));
        } else if (!queue.offer(new Pending<>(item, result, System.nanoTime()))) {
            result.completeExceptionally(new RejectedExecutionException(settings.name() + " queue is full (" + settings.queueCapacity() + " waiting)"));
        }
        return result;
    }

    public int queued() {
        return queue.size();
    }

    private void writeLoop() {
        List<Pending<I, O>> batch = new ArrayList<>(settings.batchSizeMax());
        while (running || !queue.isEmpty()) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                fill(batch);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // A bug in the writer loop itself: fail the batch, keep the writer alive.
                log.error("{}: batch of {} failed unexpectedly", settings.name(), batch.size(), e);
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        failRemaining();
    }

    /**
     * Takes what is queued now and, while that is a small batch, lingers once for more and takes
     * what came. One sleep, not a wait on the queue: a writer waiting on the queue is woken by every
     * item offered (a futex wake for the caller, a context switch for the writer), to end its batch
     * at the same moment: at 2,800 texts/s the intake's two writers switched 1,700 times a second
     * so, 900 with the sleep (BENCHMARKS.md). A batch that fills while the writer sleeps waits the
     * rest of the linger.
     *
     * <p>A batch already {@link #LINGER_BELOW_SHARE half full} does not linger. The linger exists
     * to share a commit's fixed cost over more items, and at that size it is shared widely already.
     * What a linger would do then is idle the one thread that can catch up: a writer that has fallen
     * behind finds such a batch waiting at every turn (the charge events' at 3,300 texts/s: 300 or
     * more events), and lingering 6 ms before each commit of 30-40 ms would leave it idle a sixth of
     * the time it most needs. Keeping up at 3,000/s, the same writer starts its batches with about
     * 130. (A writer whose batches hold at most 2 items therefore never lingers.)
     */
    private void fill(List<Pending<I, O>> batch) throws InterruptedException {
        queue.drainTo(batch, settings.batchSizeMax() - batch.size());
        if (lingers(batch.size(), settings.batchSizeMax())) {
            TimeUnit.NANOSECONDS.sleep(settings.lingerMax().toNanos());
            queue.drainTo(batch, settings.batchSizeMax() - batch.size());
        }
    }

    /** Whether a batch of {@code size} items (of at most {@code sizeMax}) lingers for more: only while under half full. */
    static boolean lingers(int size, int sizeMax) {
        return size * LINGER_BELOW_SHARE < sizeMax;
    }

    private void commit(List<Pending<I, O>> batch) {
        List<I> inputs = batch.stream().map(Pending::item).toList();
        try {
            long started = System.nanoTime();
            long[] statementsDone = new long[1];
            List<O> outputs;
            try {
                outputs = database.inTransaction(connection -> {
                    try (PreparedStatement keyedPlans = connection.prepareStatement(KEYED_PLANS)) {
                        keyedPlans.execute();
                    }
                    List<O> out = work.run(connection, inputs);
                    statementsDone[0] = System.nanoTime();
                    return out;
                });
            } catch (RuntimeException e) {
                work.rolledBack();
                throw e;
            }
            long committed = System.nanoTime();
            afterCommit();
            durableCommitMicros.recordValue(micros(committed - statementsDone[0]));
            batchMicros.recordValue(micros(committed - started));
            batchItems.recordValue(inputs.size());
            commitNanos += committed - started;
            batches++;
            items += inputs.size();
            batchSizeLargest = Math.max(batchSizeLargest, inputs.size());
            record(batch, started, committed);
            complete(batch, outputs);
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                log.warn("{}: item failed and will be refused: {}", settings.name(), e.toString());
                batch.getFirst().result().completeExceptionally(e);
                return;
            }
            log.warn("{}: batch of {} failed ({}); retrying each item alone", settings.name(), batch.size(), e.toString());
            for (Pending<I, O> pending : batch) {
                commit(new ArrayList<>(List.of(pending)));
            }
        }
    }

    /** The work's after-commit step; its failure must not make the batch look uncommitted (it would be written again). */
    private void afterCommit() {
        try {
            work.committed();
        } catch (RuntimeException e) {
            log.error("{}: after-commit step failed; the batch stays committed", settings.name(), e);
        }
    }

    private void record(List<Pending<I, O>> batch, long started, long committed) {
        for (Pending<I, O> pending : batch) {
            waitMicros.recordValue(micros(started - pending.queuedAt()));
            committedMicros.recordValue(micros(committed - pending.queuedAt()));
        }
    }

    /** Nanoseconds to microseconds, clamped to the histograms' range (a longer wait is recorded at the maximum). */
    private static long micros(long nanos) {
        return Math.min(Math.max(nanos / 1_000, 0), LATENCY_MICROS_MAX);
    }

    private static <I, O> void complete(List<Pending<I, O>> batch, List<O> outputs) {
        if (outputs.size() != batch.size()) {
            throw new IllegalStateException("batch work returned " + outputs.size() + " results for " + batch.size() + " items");
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(outputs.get(i));
        }
    }

    private void failRemaining() {
        Pending<I, O> pending;
        while ((pending = queue.poll()) != null) {
            pending.result().completeExceptionally(new RejectedExecutionException(settings.name() + " closed before commit"));
        }
    }

    /** Stops taking items at once; {@link #close} then waits for what is queued. */
    public void stopTaking() {
        running = false;
    }

    /** Stops taking items, commits what is queued (bounded wait), then stops the writer. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failRemaining();
    }
}
