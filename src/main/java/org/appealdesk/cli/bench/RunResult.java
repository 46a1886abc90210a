package org.appealdesk.cli.bench;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.appealdesk.platform.StatementStatistics;
import org.appealdesk.sim.ThankYouTally;

/**
 * Everything one bench run measured, as written to the JSON file. Rates are per second of the
 * measured window (after the warm-up); latencies in milliseconds; memory in MB.
 */
record RunResult(
        String mode,
        double rateTarget,
        double windowSeconds,
        double warmupSeconds,
        double warmupRate,
        int binds,
        int window,
        long seed,
        boolean realisticMix,
        Traffic traffic,
        Throughput throughput,
        Latency latency,
        Resources resources,
        TotalsFreshness.Result totalsFreshness,
        Postgres postgres,
        List<GroupCommit> groupCommit,
        ThankYouTally thankYouJoin,
        Settle settle,
        List<Second> timeline,
        List<Check> checks,
        boolean passed) {

    /**
     * What the load generator did in the window. {@code achievedRatePerSecond} is texts generated
     * over the window's length: arrivals are a seeded Poisson schedule around the target, so a
     * short window's realisation can sit a few per cent off it; lag and end reason say whether the
     * generator kept to its schedule.
     */
    record Traffic(long textsGenerated, long textsAcknowledged, double achievedRatePerSecond, long textsDropped,
                   long moRedeliveries, String generatorEndReason, Writes writes) {
    }

    /**
     * Socket writes in the window, a second, on each side of the binds, and the PDUs each side sent
     * a second ({@code pdusPerSecond}: deliver_sm plus submits; each has its answer from the other
     * side, so both sides send about that many) over its writes. How many PDUs leave together.
     */
    record Writes(double simulatorPerSecond, double platformPerSecond, double pdusPerSecond, double simulatorPdusPerWrite,
                  double platformPdusPerWrite) {
    }

    /**
     * @param textsAcknowledgedPerSecond texts committed and acknowledged (deliver_sm_resp) per second in the window
     * @param textsAnsweredPerSecond     free messages the network received per second in the window: every text ends in
     *                                    one (a thank-you, a cap refusal, a help or how-to-give reply...), so this is the
     *                                    end-to-end rate that the per-number daily cap cannot lower
     * @param donationsCompletedPerSecond thank-yous the network received per second in the window: each one a
     *                                    donation texted, charged, receipted, booked and thanked
     * @param donationsCompletedInWindow  the count behind it
     * @param thankYousTotal              thank-yous over the whole run, warm-up and settling included
     * @param donationsCharged            donations CHARGED in the database at the end (warm-up included)
     * @param donationsRejected           donations refused before charging (the per-number daily cap, mostly)
     */
    record Throughput(double textsAcknowledgedPerSecond, double textsAnsweredPerSecond, double donationsCompletedPerSecond, long donationsCompletedInWindow,
                      long thankYousTotal, long textsRecorded, long donationsCharged, long donationsRejected,
                      long donationsFailed, long donationsUnknown, long donationsCharging) {
    }

    /**
     * Cores the JIT compilers took in the window: their compilation time (the JVM's estimate, summed
     * over compiler threads) over the window's length, at most the JVM side's cores (what no listed
     * Java thread accounts for, compilers and collector above all, with the JVM's housekeeping
     * threads). Part of {@code resources.jvmCores}. Why the bound: the JVM's figure is elapsed time,
     * so a compiler thread waiting for a core counts; with the cores full it came to 0.36 cores
     * where that side used 0.26 (BENCHMARKS.md). Bounded, it is the compilers' and the collector's
     * time together at most: less understated than before, not exact.
     */
    double jitCores() {
        return boundedJitCores(windowSeconds <= 0 ? 0 : resources.jitCompilationMsInWindow() / 1000.0 / windowSeconds,
                resources.jvmCoresBySide());
    }

    /** The JIT's elapsed-time cores, at most the JVM side's cores in {@code sides} where there is one. */
    static double boundedJitCores(double elapsedCores, Map<String, Double> sides) {
        Double own = sides == null ? null : sides.get(ThreadCpu.Side.JVM.key);
        return own == null ? elapsedCores : Math.min(elapsedCores, own);
    }

    /** Text acknowledgement (deliver_sm to deliver_sm_resp), text due to thank-you, and generator schedule lag. */
    record Latency(Percentiles textAcknowledgement, Percentiles textToThankYou, Percentiles scheduleLag) {
    }

    /**
     * @param jvmPeakRssMb          the JVM's resident high-water mark (VmHWM): platform and load generator
     * @param postgresPeakMb        the embedded PostgreSQL's processes, largest sample (Pss summed)
     * @param combinedPeakMb        largest sample of the two together
     * @param jvmCores              JVM CPU time over the window divided by its length (cores busy)
     * @param jvmCoresByThreadGroup the JVM's cores split by thread group (simulator threads are "sim-..."; what no
     *                              Java thread accounts for, GC and JIT compiler threads above all, is listed last)
     * @param jvmCoresBySide        the JVM's cores by whom they worked for: "platform" (what a production node runs),
     *                              "loadGenerator" (the simulated network), "bench" (the instrument) and "jvm"
     *                              (collection, compilation and housekeeping, which all share, and the remainder
     *                              no listed thread accounts for); null when the JVM cannot time its threads
     * @param machineBusyCores      the whole machine's busy CPU over the window (/proc/stat), in cores
     * @param otherProcessesCores   busy cores not taken by this JVM or the PostgreSQL: other work on a shared machine
     * @param stealCores            CPU the hypervisor gave to other guests while this one wanted it
     * @param gcPauseMaxMs          the longest garbage collection in the window (a stop-the-world pause with the serial collector)
     * @param jitCompilationMsInWindow the JIT compilers' time in the window (the JVM's estimate, summed over compiler threads)
     */
    record Resources(long jvmPeakRssMb, long postgresPeakMb, long combinedPeakMb, long sumOfPeaksMb,
                     double jvmCores, double postgresCores, double totalCores, int processors,
                     Map<String, Double> jvmCoresByThreadGroup, Map<String, Double> jvmCoresBySide, double machineBusyCores, double otherProcessesCores, double stealCores,
                     long heapUsedMbAtEnd, long heapCommittedMbAtEnd,
                     long gcCollectionsInWindow, long gcMsInWindow, long gcPauseMaxMs, long jitCompilationMsInWindow) {
    }

    /**
     * The database's side of the window: durable commits and WAL flushes, what busy backends waited
     * on, and (with --statements) the statements that took its time.
     *
     * @param walCompression     the server's wal_compression during the run (--wal-compression sets it)
     * @param walCensus          the WAL of the window's last seconds counted by kind and table, a gift or text
     *                           ({@link WalCensus}); null when it could not be read, or no gift came in those seconds
     * @param earlierDonors      the donors written before the run (--donors-before); null when none were
     * @param checkpointAtWindow the checkpoint started as the window began (--checkpoint-at-window); null when none was
     */
    record Postgres(String version, String synchronousCommit, String fsync, String walCompression, double commitsPerSecond, double walSyncsPerSecond,
                    double walSyncMsPerSecond, double walBytesPerText, long walBuffersFull,
                    Map<String, Long> activeBackendSamples, int samples, Map<String, PostgresProbe.TableUpdates> updatesByTable,
                    List<StatementStatistics.StatementTime> topStatements, long walSegmentsFilledInWindow, long walFilesWarmed,
                    Boolean windowWithinWarmedWal, WalCensus walCensus, EarlierDonors.Filled earlierDonors, Checkpoint checkpointAtWindow) {
    }

    /** The checkpoint forced as the window began ({@link WindowCheckpoint}): how long it took, or why it failed. */
    record Checkpoint(Double seconds, String failure) {
    }

    /**
     * One group committer over the window.
     *
     * @param writerBusyShare time spent committing / window length: near 1 means the single writer is the bottleneck
     * @param itemWait        per item, queued until its batch began (waiting for the writer, and lingering)
     * @param itemCommitted   per item, queued until its batch committed: the platform's share of an acknowledgement
     * @param durableCommit   per batch, the COMMIT alone (the durable WAL flush), apart from the batch's statements
     * @param batchTime       per batch, the whole transaction: statements and COMMIT
     * @param batchItems      per batch, how many items it held
     * @param ledgerLockHeldShare the charge events' only (null for the others): time committed batches held
     *                        the appeal's ledger lock / window length, summed over appeals and writers: from
     *                        the server's clock when the lock was granted to the end of the commit. With one
     *                        appeal, the part no number of writers can overlap: they can go at most about
     *                        1 / share times faster
     */
    record GroupCommit(String name, long batches, long items, double itemsPerBatch, double commitMsPerBatch,
                       double writerBusyShare, long largestBatchEver, int queuedAtEnd, Percentiles itemWait, Percentiles itemCommitted,
                       Percentiles durableCommit, Percentiles batchTime, BatchSizes batchItems, Double ledgerLockHeldShare) {
    }

    /** A histogram of batch sizes as its median, 99th percentile and largest value. */
    record BatchSizes(long p50, long p99, long max) {

        static BatchSizes of(Histogram items) {
            return items.getTotalCount() == 0 ? new BatchSizes(0, 0, 0)
                    : new BatchSizes(items.getValueAtPercentile(50), items.getValueAtPercentile(99), items.getMaxValue());
        }

        @Override
        public String toString() {
            return String.format("p50 %d, p99 %d, max %d", p50, p99, max);
        }
    }

    /**
     * Waiting for the network and the platform to finish what the window started.
     *
     * @param textsWaiting texts acknowledged and not yet acted on as the window ended (held in
     *                     memory or waiting in the database after a burst), what the settling worked off
     */
    record Settle(boolean settled, double seconds, int textsWaiting) {
    }

    /**
     * One second of the window: cumulative counts and memory at its end.
     *
     * @param thankYouP99Ms the text-to-thank-you p99 of the window's gifts thanked in this second; null when none was
     * @param background    what PostgreSQL's vacuums, analyses and checkpointer were doing at its end
     * @param walKb         the WAL PostgreSQL wrote in this second, in KB; null when a position could not be read.
     *                      A burst of full-page images after a checkpoint shows here
     */
    record Second(int second, long textsAcknowledged, long thankYous, Double thankYouP99Ms, long jvmRssMb, long postgresMb,
                  PostgresProbe.Background background, Long walKb) {
    }

    record Check(String name, boolean passed, String detail) {
    }
}
