package org.appealdesk.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import io.micrometer.core.instrument.Counter;
import org.HdrHistogram.Histogram;
import org.appealdesk.app.AppConfig;
import org.appealdesk.app.Application;
import org.appealdesk.app.WebGivingConfig;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.donation.ChargeSettings;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.platform.EmbeddedPostgresServer;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.PhoneVault;
import org.appealdesk.platform.StatementStatistics;
import org.appealdesk.sim.ReceiptIdStyle;
import org.appealdesk.sim.SimLedger;
import org.appealdesk.sim.SimSettings;
import org.appealdesk.sim.SimulatedSmsc;
import org.appealdesk.sim.ThankYouTally;
import org.appealdesk.sim.TrafficPlan;
import org.appealdesk.sim.TrafficRun;
import org.appealdesk.sms.Outbox;
import org.appealdesk.sms.smpp.SmppGateway;
import org.appealdesk.sms.smpp.SmppSettings;
import org.appealdesk.web.HttpSettings;

/**
 * One bench run, start to end, in this one process: a fresh embedded PostgreSQL in a temporary
 * directory (durable: fsync and synchronous_commit on, see {@link EmbeddedPostgresServer}), optionally the PostgreSQL
 * ceiling, the simulated SMSC (the load generator) and the platform bound to it over real SMPP on
 * loopback with the same number of binds on both sides; a warm-up, the measured window, settling,
 * and the checks that nothing was lost or doubled. Everything it starts it stops, and the
 * temporary directory is deleted, whatever happens.
 *
 * <p>The measured window is one traffic run of {@code duration} at the target rate, open loop:
 * texts arrive on schedule whatever the platform does, and when the platform falls behind, the
 * generator's schedule lag says so. Throughput is counted at the network's edge (texts acknowledged,
 * thank-yous received), never from the platform's own figures.
 */
final class BenchRun {

    /** Both sides must be bound before traffic starts. */
    static final Duration BIND_WAIT_MAX = Duration.ofSeconds(20);
    /** After the window, how long the network and the platform get to finish what it started, counted again whenever what waits shrinks. */
    static final Duration SETTLE_MAX = Duration.ofSeconds(60);
    /**
     * The longest settling in all, while what waits keeps shrinking: texts recorded in a burst
     * beyond what the acting stage keeps up with wait in the database and are acted on after it.
     */
    static final Duration SETTLE_BACKLOG_MAX = Duration.ofMinutes(10);
    /** The generator ends on its own at its duration; this much later it is stopped. */
    static final Duration GENERATOR_GRACE = Duration.ofSeconds(2);
    /** Charges never receipted (realistic mix) turn UNKNOWN after this, so a run settles in bounded time. */
    static final Duration REPORT_WAIT = Duration.ofSeconds(10);
    /** The SMPP adapter's pace limit per bind is set to its maximum: the bench measures, it does not throttle. */
    static final int SUBMITS_PER_SECOND_PER_BIND = 10_000;
    /** The simulator's largest donor pool, so the per-number daily cap bites as late as it can. */
    static final int DONOR_POOL_SIZE = 1_000_000;
    static final long SAMPLE_EVERY_MS = 1_000;
    /** Statements listed with --statements, costliest first. */
    static final int STATEMENTS_REPORTED = 25;
    /**
     * The window's last seconds whose WAL is counted by kind and table ({@link WalCensus}): reading it
     * back costs PostgreSQL about a second for every 30 MB, so not the whole window.
     */
    static final int WAL_CENSUS_SECONDS = 5;
    private static final long POLL_MS = 50;
    private static final long BYTES_PER_MB = 1024 * 1024;

    private final BenchSettings settings;
    private final PrintStream progress;
    /** What --warm-wal left; null when the server creates its WAL as it goes. */
    private WalWarmer.Warmth warmth;
    /** The donors written before the run ({@code --donors-before}); null when none were. */
    private EarlierDonors.Filled earlierDonors;
    /** The checkpoint forced as the window began ({@code --checkpoint-at-window}); null when none was. */
    private RunResult.Checkpoint checkpointAtWindow;

    BenchRun(BenchSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** What one run produced: its figures, the ceiling (when measured) and the machine. */
    record Outcome(RunResult run, PostgresCeiling.Result ceiling, MachineInfo machine) {
    }

    Outcome run() {
        AppConfig file = AppConfig.read(settings.config(), name -> "");
        Path directory;
        try {
            directory = Files.createTempDirectory("appealdesk-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the benchmark's PostgreSQL", e);
        }
        try {
            Path postgresDirectory = directory.resolve("postgres");
            try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(postgresDirectory, EmbeddedPostgresServer.Durability.DURABLE,
                    settings.statementStatistics())) {
                DatabaseSettings database = postgres.settings(file.databasePoolSize());
                try (PostgresProbe probe = PostgresProbe.open(database)) {
                    probe.requireDurable();
                    if (settings.walCompression() != null) {
                        probe.setWalCompression(settings.walCompression());
                    }
                    if (settings.warmWal()) {
                        warmWal(probe);
                    }
                    MachineInfo machine = MachineInfo.read(probe.version());
                    PostgresCeiling.Result ceiling = null;
                    if (settings.measuresCeiling()) {
                        progress.println("Measuring the PostgreSQL ceiling (" + PostgresCeiling.WRITER_COUNTS.size() * PostgresCeiling.BATCH_SIZES.size()
                                + " cases of " + settings.ceilingCase().toMillis() / 1000.0 + " s)...");
                        ceiling = new PostgresCeiling(database).measure(settings.ceilingCase());
                    }
                    RunResult result = withPlatform(file, database, directory, postgresDirectory, probe);
                    return new Outcome(result, ceiling, machine);
                }
            }
        } finally {
            deleteQuietly(directory);
        }
    }

    /** Creates the WAL segments the run will fill, before anything else writes (see {@link WalWarmer}). */
    private void warmWal(PostgresProbe probe) {
        int segments = WalWarmer.segmentsFor(settings.textsPlanned());
        progress.printf("Warming the WAL: %d segments of 16 MB...%n", segments);
        try {
            warmth = WalWarmer.warm(probe.connection(), segments);
        } catch (SQLException e) {
            throw new IllegalStateException("warming the WAL failed: " + e.getMessage(), e);
        }
    }

    /** Writes the earlier appeals' donors once the platform has migrated the database, before any text (see {@link EarlierDonors}). */
    private void fillEarlierDonors(PostgresProbe probe, PhoneVault vault) {
        progress.printf("Writing %,d donors from earlier appeals...%n", settings.donorsBefore());
        try {
            earlierDonors = EarlierDonors.fill(probe.connection(), vault, settings.donorsBefore(), Instant.now());
        } catch (SQLException e) {
            throw new IllegalStateException("writing the earlier donors failed: " + e.getMessage(), e);
        }
    }

    private RunResult withPlatform(AppConfig file, DatabaseSettings database, Path directory, Path postgresDirectory, PostgresProbe probe) {
        SimSettings simSettings = simSettings();
        try (SimulatedSmsc smsc = SimulatedSmsc.start(simSettings)) {
            // The run's own group commit (its options), not the file's: runs differ only in what the command says.
            AppConfig config = new AppConfig(database.jdbcUrl(), database.user(), database.password(), file.databasePoolSize(),
                    new HttpSettings("127.0.0.1", 0), file.phoneKeyEnvironmentVariable(), List.of(),
                    new ChargeSettings(REPORT_WAIT, file.charging().unknownExpiry(), REPORT_WAIT, file.charging().partMaxByNetwork()),
                    file.catalog(), WebGivingConfig.defaults(file.catalog()), settings.batching());
            PhoneVault vault = PhoneVault.fromBase64Key(PhoneVault.newBase64Key());
            try (Application application = Application.start(config, vault, directory)) {
                if (settings.donorsBefore() > 0) {
                    fillEarlierDonors(probe, vault);
                }
                Outbox outbox = settings.mode() == BenchMode.INTAKE ? new SilentOutbox() : application.core.events;
                SmppGateway gateway = new SmppGateway(smppSettings(file, smsc.port(), simSettings), application.core.texts,
                        application.core.events, outbox, application.metrics);
                try {
                    gateway.start();
                    awaitBound(gateway, smsc);
                    return measure(smsc, gateway, application, database, postgresDirectory, probe);
                } finally {
                    gateway.close();
                }
            }
        }
    }

    private SimSettings simSettings() {
        SimSettings base = settings.realistic() ? SimSettings.defaults(settings.seed()) : SimSettings.perfect(settings.seed());
        if (settings.messageIds() != base.messageIdStyle()) {
            // Receipts name a UUID as given: no other form of it exists to convert to.
            base = base.withIdStyles(settings.messageIds(), ReceiptIdStyle.SAME);
        }
        return base.toBuilder().windowSize(settings.window()).deliveriesTogether(!settings.deliveriesApart()).build();
    }

    /** The configuration's SMSC profile (billing, tags, receipt ids) pointed at the simulator, with the bench's binds, window and pace. */
    private SmppSettings smppSettings(AppConfig file, int port, SimSettings sim) {
        SmppSettings template = file.smsc().isEmpty()
                ? SmppSettings.defaults("127.0.0.1", port, sim.systemId(), sim.password(), null)
                : file.smsc().getFirst();
        return template.toBuilder().host("127.0.0.1").port(port).systemId(sim.systemId()).password(sim.password())
                .binds(settings.binds()).windowSize(settings.window()).submitsPerSecondMax(SUBMITS_PER_SECOND_PER_BIND).build();
    }

    private void awaitBound(SmppGateway gateway, SimulatedSmsc smsc) {
        long deadline = System.nanoTime() + BIND_WAIT_MAX.toNanos();
        while (gateway.boundSessions() < settings.binds() || smsc.boundSessions() < settings.binds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + gateway.boundSessions() + " of " + settings.binds() + " binds up after "
                        + BIND_WAIT_MAX.toSeconds() + " s (simulator sees " + smsc.boundSessions() + ")");
            }
            sleep(POLL_MS);
        }
    }

    private TrafficPlan plan(double ratePerSecond, Duration length) {
        return TrafficPlan.referenceAppeal(ratePerSecond, length).withDonorPoolSize(DONOR_POOL_SIZE);
    }

    /** Every cumulative counter the window's figures are differences of, read at one moment. */
    private record Readings(long atNanos, ProcessMeter.CpuTime cpu, ThreadCpu threads, ProcessMeter.MachineTime machine,
                            PostgresProbe.Counters postgres, Map<String, PostgresProbe.TableUpdates> tableUpdates, long jitMillis,
                            GroupCommitter.Stats texts, GroupCommitter.Stats events, long ledgerLockNanos, GroupCommitter.Stats acting,
                            long thankYous, long answered, long walSegment, Wire wire) {
        static Readings take(ProcessMeter meter, PostgresProbe probe, Application application, SimulatedSmsc smsc, SmppGateway gateway) {
            return new Readings(System.nanoTime(), meter.cpuTime(), ThreadCpu.now(() -> endedGenerators(smsc), smsc::sessionIds),
                    meter.machineTime(), probe.counters(),
                    probe.tableUpdates(), BenchRun.jitMillis(),
                    application.core.texts.stats(), application.core.events.stats(), application.core.events.ledgerLockHeldNanos(),
                    application.core.texts.actingStats(), smsc.thankYous(),
                    BenchRun.answered(smsc.thankYouTally()), probe.walSegment(),
                    new Wire(smsc.socketWrites(), gateway.socketWrites(), smsc.deliverSmWritten(), submitsAnswered(application)));
        }
    }

    /** Socket writes of each side, and the PDUs they carried: deliver_sm the simulator wrote, submits the platform had answered. */
    private record Wire(long simulatorWrites, long platformWrites, long deliverSm, long submits) {
    }

    /** Submits the gateway has had an outcome for, whatever it was (its metrics: one a submit_sm_resp, or a timeout). */
    private static long submitsAnswered(Application application) {
        return Math.round(application.metrics.find("appealdesk.smpp.submits").counters().stream().mapToDouble(Counter::count).sum());
    }

    /**
     * The window's socket writes a second on each side, and the PDUs a write. Each deliver_sm has
     * its deliver_sm_resp and each submit_sm its submit_sm_resp, so both sides send about as many
     * PDUs: deliver_sm plus submits (jSMPP's few enquire_links left out).
     */
    private static RunResult.Writes writes(Readings before, Readings after, double windowSeconds) {
        long simulator = after.wire().simulatorWrites() - before.wire().simulatorWrites();
        long platform = after.wire().platformWrites() - before.wire().platformWrites();
        long pdus = after.wire().deliverSm() - before.wire().deliverSm() + after.wire().submits() - before.wire().submits();
        return new RunResult.Writes(round(simulator / windowSeconds), round(platform / windowSeconds), round(pdus / windowSeconds),
                simulator == 0 ? 0 : round((double) pdus / simulator), platform == 0 ? 0 : round((double) pdus / platform));
    }

    /** The traffic generators that have ended, with their CPU time: gone from a reading of live threads, as the window's is by its end. */
    private static List<ThreadCpu.Ended> endedGenerators(SimulatedSmsc smsc) {
        return smsc.runs().stream().filter(run -> run.generatorCpuNanos() >= 0)
                .map(run -> new ThreadCpu.Ended(run.generatorThreadId(), run.generatorThreadName(), run.generatorCpuNanos())).toList();
    }

    private RunResult measure(SimulatedSmsc smsc, SmppGateway gateway, Application application, DatabaseSettings database, Path postgresDirectory,
                              PostgresProbe probe) {
        Appeal appeal = application.core.catalog.all().getFirst();
        ProcessMeter meter = new ProcessMeter(postgresDirectory);
        warmUp(smsc);

        progress.printf("Measuring %s mode at %.0f texts/s for %.1f s (%d binds, window %d, seed %d)...%n", settings.mode().label(),
                settings.ratePerSecond(), settings.duration().toMillis() / 1000.0, settings.binds(), settings.window(), settings.seed());
        TotalsFreshness freshness = settings.mode() == BenchMode.FULL ? new TotalsFreshness(application.core.totals, appeal.slug(), database) : null;
        Sampler sampler = new Sampler(meter, probe);
        GcPauses gcPauses = new GcPauses();
        if (settings.statementStatistics()) {
            probe.resetStatements();
        }
        Readings before = Readings.take(meter, probe, application, smsc, gateway);
        sampler.walMark(probe.walInsertLsn(), 0, 0);

        TrafficRun run = smsc.play(plan(settings.ratePerSecond(), settings.duration()));
        WindowCheckpoint checkpoint = settings.checkpointAtWindow() ? WindowCheckpoint.start(database) : null;
        List<RunResult.Second> timeline = window(run, smsc, sampler, before);
        sampler.walMark(probe.walInsertLsn(), run.acked(), smsc.thankYous() - before.thankYous());

        Readings after = Readings.take(meter, probe, application, smsc, gateway);
        int textsWaitingAtEnd = application.core.texts.waitingToAct();
        if (checkpoint != null) {
            // After the window's readings: a checkpoint longer than the window must not stretch its figures.
            checkpoint.close();
            checkpointAtWindow = new RunResult.Checkpoint(checkpoint.seconds(), checkpoint.failure());
        }
        gcPauses.close();
        List<StatementStatistics.StatementTime> statements = settings.statementStatistics() ? probe.topStatements(STATEMENTS_REPORTED) : null;
        long ackedInWindow = run.acked();
        sampler.memory();
        TotalsFreshness.Result fresh = null;
        if (freshness != null) {
            // Freshness under load: the window only, not the quiet settling after it.
            freshness.close();
            fresh = freshness.result();
        }

        RunResult.Settle settle = settle(smsc, probe, textsWaitingAtEnd);
        progress.println("Since start (warm-up included), " + application.core.events.handoffSummary());
        WalCensus walCensus = walCensus(probe, sampler.walMarks);
        sampler.memory();
        SimLedger truth = smsc.ledger();
        List<RunResult.Check> checks = Checks.after(settings.mode(), truth, run, settle, application, probe, appeal);

        double windowSeconds = (after.atNanos() - before.atNanos()) / 1e9;
        RunResult.Traffic traffic = new RunResult.Traffic(run.generated(), run.acked(), round(run.generated() / windowSeconds),
                run.dropped(), run.redelivered(), run.endReason(), writes(before, after, windowSeconds));
        RunResult.Latency latency = new RunResult.Latency(Percentiles.ofMicros(run.ackLatencyMicros()),
                Percentiles.ofMicros(run.textToThankYouMicros()), Percentiles.ofMicros(run.scheduleLagMicros()));
        List<RunResult.GroupCommit> groupCommit = List.of(
                groupCommit(after.texts(), before.texts(), after.atNanos() - before.atNanos(), null),
                groupCommit(after.events(), before.events(), after.atNanos() - before.atNanos(), after.ledgerLockNanos() - before.ledgerLockNanos()),
                groupCommit(after.acting(), before.acting(), after.atNanos() - before.atNanos(), null));
        return new RunResult(settings.mode().label(), settings.ratePerSecond(), round(windowSeconds), settings.warmup().length().toMillis() / 1000.0,
                settings.warmupRate(),
                settings.binds(), settings.window(), settings.seed(), settings.realistic(), traffic,
                throughput(probe, smsc, before, after, ackedInWindow, appeal), latency, resources(meter, sampler, before, after, gcPauses.result()),
                fresh, postgres(probe, sampler, before, after, ackedInWindow, statements, walCensus), groupCommit, smsc.thankYouTally(), settle, timeline,
                checks, checks.stream().allMatch(RunResult.Check::passed));
    }

    /**
     * The WAL of the window's last {@link #WAL_CENSUS_SECONDS} seconds, counted by kind and table a gift
     * (a thank-you received, in full mode) or a text acknowledged (intake); null, said why, when the
     * WAL's position could not be read, when no gift or text came in the stretch (a figure a gift
     * needs gifts), or when the WAL itself could not be read. Read after the settling, when the
     * platform is quiet; the stretch is then seconds to a minute old, well inside what PostgreSQL
     * keeps (max_wal_size, spread checkpoints).
     */
    private WalCensus walCensus(PostgresProbe probe, List<WalMark> marks) {
        WalMark[] stretch = censusStretch(marks, WAL_CENSUS_SECONDS * 1_000_000_000L);
        if (stretch == null) {
            progress.println("The WAL census was left out: the WAL's position could not be read at the window's end or start");
            return null;
        }
        WalMark from = stretch[0];
        WalMark to = stretch[1];
        boolean gifts = settings.mode() == BenchMode.FULL;
        long texts = to.acked() - from.acked();
        long units = gifts ? to.thankYous() - from.thankYous() : texts;
        if (units <= 0) {
            progress.println("The WAL census was left out: no " + (gifts ? "gift" : "text") + " came in the window's last seconds");
            return null;
        }
        try {
            return probe.walCensus(from.lsn(), to.lsn(), round((to.atNanos() - from.atNanos()) / 1e9), gifts ? "gift" : "text", units, texts);
        } catch (SQLException | RuntimeException e) {
            progress.println("The WAL census could not be read: " + e.getMessage());
            return null;
        }
    }

    /**
     * The stretch a census reads: from the latest readable mark at least {@code lengthNanos} (less half
     * a second) before the last mark, or the earliest readable one, to the last mark; null when the last
     * mark or every earlier one is unreadable. The window's end is marked just after its last second, so
     * counting marks back would give a second less.
     */
    static WalMark[] censusStretch(List<WalMark> marks, long lengthNanos) {
        if (marks.size() < 2 || marks.getLast().lsn() == null) {
            return null;
        }
        WalMark to = marks.getLast();
        long atLeast = lengthNanos - 500_000_000L;
        WalMark from = null;
        for (int i = marks.size() - 2; i >= 0 && (from == null || to.atNanos() - from.atNanos() < atLeast); i--) {
            if (marks.get(i).lsn() != null) {
                from = marks.get(i);
            }
        }
        return from == null ? null : new WalMark[]{from, to};
    }

    /** A WAL position as PostgreSQL writes it ("16/B374D848": the high and low 32 bits in hex) as a byte offset. */
    static long lsnBytes(String lsn) {
        int slash = lsn.indexOf('/');
        if (slash < 1 || slash == lsn.length() - 1) {
            throw new IllegalArgumentException("not a WAL position: " + lsn);
        }
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32) + Long.parseLong(lsn.substring(slash + 1), 16);
    }

    /** Where the WAL stood at one moment of the window, with the texts acknowledged and thank-yous received in it so far. */
    record WalMark(long atNanos, String lsn, long acked, long thankYous) {
    }

    /** Plays the window out: until the generator ends its schedule, or is stopped a little after; samples each second. */
    private List<RunResult.Second> window(TrafficRun run, SimulatedSmsc smsc, Sampler sampler, Readings before) {
        long deadline = before.atNanos() + settings.duration().plus(GENERATOR_GRACE).toNanos();
        long nextSample = before.atNanos() + SAMPLE_EVERY_MS * 1_000_000;
        List<RunResult.Second> timeline = new ArrayList<>();
        Histogram thankedBefore = run.textToThankYouMicros();
        sampler.probe.backgroundFrom(before.tableUpdates());
        while (!run.isDone() && System.nanoTime() - deadline < 0) {
            sleep(POLL_MS);
            if (System.nanoTime() - nextSample >= 0) {
                nextSample += SAMPLE_EVERY_MS * 1_000_000;
                Histogram thanked = run.textToThankYouMicros();
                timeline.add(sampler.second(timeline.size() + 1, run.acked(), smsc.thankYous() - before.thankYous(),
                        p99MsSince(thanked, thankedBefore)));
                thankedBefore = thanked;
            }
        }
        run.stop();
        return timeline;
    }

    /**
     * The p99 of what {@code now} recorded since {@code before} (both cumulative, of one run), in
     * ms; null when nothing was. Per second it says when a window's tail happened: a step in the
     * rate, a stall, or all along.
     */
    static Double p99MsSince(Histogram now, Histogram before) {
        if (now.getTotalCount() == before.getTotalCount()) {
            // Nothing new (every second of an intake run): no difference to copy out.
            return null;
        }
        return Percentiles.ofMicros(inWindow(now, before)).p99Ms();
    }

    private static RunResult.Resources resources(ProcessMeter meter, Sampler sampler, Readings before, Readings after, GcPauses.Result gc) {
        long windowNanos = after.atNanos() - before.atNanos();
        double[] cores = after.cpu().coresSince(before.cpu());
        double[] machine = after.machine().coresSince(before.machine());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long jvmPeak = meter.jvmPeakRssKb() / 1024;
        return new RunResult.Resources(jvmPeak, sampler.postgresPeakKb / 1024, sampler.combinedPeakKb / 1024,
                jvmPeak + sampler.postgresPeakKb / 1024, round(cores[0]), round(cores[1]), round(cores[0] + cores[1]),
                Runtime.getRuntime().availableProcessors(), after.threads().coresSince(before.threads(), windowNanos, cores[0]),
                after.threads().sidesSince(before.threads(), windowNanos, cores[0]),
                round(machine[0]), round(Math.max(0, machine[0] - cores[0] - cores[1])), round(machine[1]),
                heap.getUsed() / BYTES_PER_MB, heap.getCommitted() / BYTES_PER_MB, gc.collections(), gc.totalMs(), gc.maxMs(),
                after.jitMillis() - before.jitMillis());
    }

    private RunResult.Postgres postgres(PostgresProbe probe, Sampler sampler, Readings before, Readings after, long ackedInWindow,
                                               List<StatementStatistics.StatementTime> statements, WalCensus walCensus) {
        double windowSeconds = (after.atNanos() - before.atNanos()) / 1e9;
        PostgresProbe.Counters counters = after.postgres().minus(before.postgres());
        return new RunResult.Postgres(probe.version(), probe.setting("synchronous_commit"), probe.setting("fsync"), probe.setting("wal_compression"),
                round(counters.commits() / windowSeconds), round(counters.walSyncs() / windowSeconds), round(counters.walSyncMs() / windowSeconds),
                ackedInWindow == 0 ? 0 : Math.round((double) counters.walBytes() / ackedInWindow), counters.walBuffersFull(),
                sampler.waits, sampler.waitSamples, updatesInWindow(before.tableUpdates(), after.tableUpdates()), statements,
                before.walSegment() < 0 || after.walSegment() < 0 ? -1 : after.walSegment() - before.walSegment(),
                warmth == null ? 0 : warmth.files(),
                warmth == null ? null : warmth.holds(after.walSegment()), walCensus, earlierDonors, checkpointAtWindow);
    }

    /** Each table's updates in the window, the HOT ones among them, and its autovacuum runs; tables with none are left out. */
    private static Map<String, PostgresProbe.TableUpdates> updatesInWindow(Map<String, PostgresProbe.TableUpdates> before,
                                                                          Map<String, PostgresProbe.TableUpdates> after) {
        Map<String, PostgresProbe.TableUpdates> window = new TreeMap<>();
        after.forEach((table, counts) -> {
            PostgresProbe.TableUpdates delta = counts.minus(before.getOrDefault(table, PostgresProbe.TableUpdates.NONE));
            if (delta.anything()) {
                window.put(table, delta);
            }
        });
        return window;
    }

    /** Traffic before the window, unmeasured: JIT compilation, pools and caches warm up. */
    private void warmUp(SimulatedSmsc smsc) {
        Warmup warm = settings.warmup();
        if (warm.none()) {
            return;
        }
        double rate = settings.warmupRate();
        progress.printf("Warming up for %.1f s at %.0f texts/s...%n", warm.length().toMillis() / 1000.0, rate);
        TrafficRun warmup = smsc.play(plan(rate, warm.length()));
        long deadline = System.nanoTime() + warm.length().plus(GENERATOR_GRACE).toNanos();
        while (!warmup.isDone() && System.nanoTime() - deadline < 0) {
            sleep(POLL_MS);
        }
        warmup.stop();
    }

    /**
     * Waits until the network has delivered and had acknowledged every text and receipt, every
     * acknowledged text has been acted on and, in full mode, no donation awaits its charge and no
     * message awaits sending: at most {@link #SETTLE_MAX} without any of those counts shrinking,
     * and {@link #SETTLE_BACKLOG_MAX} in all.
     *
     * @param textsWaiting texts acknowledged and not yet acted on as the window ended, for the report
     */
    private RunResult.Settle settle(SimulatedSmsc smsc, PostgresProbe probe, int textsWaiting) {
        long started = System.nanoTime();
        long deadline = started + SETTLE_BACKLOG_MAX.toNanos();
        long stalledAt = started + SETTLE_MAX.toNanos();
        long[] fewest = null;
        boolean settled = false;
        while (System.nanoTime() - deadline < 0 && System.nanoTime() - stalledAt < 0) {
            long[] waiting = waiting(probe);
            // The network is quiet when it has had every text and receipt acknowledged; what was waiting here may since
            // have gone out to it, so it is asked again once nothing waits here.
            if (Arrays.stream(waiting).sum() == 0 && smsc.awaitQuiet(Duration.ofMillis(1))) {
                settled = settings.mode() != BenchMode.FULL
                        || smsc.awaitQuiet(Duration.ofNanos(Math.max(1, Math.min(SETTLE_MAX.toNanos(), deadline - System.nanoTime()))));
                break;
            }
            // Acting on a text moves it into the other counts, so progress is any one of them shrinking.
            if (fewest == null || shrank(waiting, fewest)) {
                stalledAt = System.nanoTime() + SETTLE_MAX.toNanos();
            }
            fewest = fewest == null ? waiting.clone() : lowest(fewest, waiting);
            sleep(200);
        }
        return new RunResult.Settle(settled, round((System.nanoTime() - started) / 1e9), textsWaiting);
    }

    /** Texts waiting to be acted on and, in full mode, donations waiting for their charge and messages for sending. */
    private long[] waiting(PostgresProbe probe) {
        long texts = probe.count("select count(*) from text_pending");
        if (settings.mode() != BenchMode.FULL) {
            return new long[] {texts};
        }
        return new long[] {texts, probe.count("select count(*) from donation where state = 'CHARGING'"),
                probe.count("select count(*) from outbox where state in ('PENDING', 'SENDING')")};
    }

    /** Whether any count is below the lowest it has been. */
    private static boolean shrank(long[] now, long[] fewest) {
        for (int i = 0; i < now.length; i++) {
            if (now[i] < fewest[i]) {
                return true;
            }
        }
        return false;
    }

    private static long[] lowest(long[] a, long[] b) {
        long[] lowest = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            lowest[i] = Math.min(a[i], b[i]);
        }
        return lowest;
    }

    /** Free messages the network has received: thank-yous and every other reply. */
    private static long answered(ThankYouTally tally) {
        return tally.thankYous() + tally.freeMessagesUnmatched();
    }

    private static RunResult.Throughput throughput(PostgresProbe probe, SimulatedSmsc smsc, Readings before, Readings after,
                                                   long ackedInWindow, Appeal appeal) {
        double windowSeconds = (after.atNanos() - before.atNanos()) / 1e9;
        long thankYousInWindow = after.thankYous() - before.thankYous();
        Map<String, Long> states = new TreeMap<>();
        for (String state : List.of("CHARGED", "REJECTED", "FAILED", "UNKNOWN", "CHARGING")) {
            states.put(state, probe.count("select count(*) from donation where appeal_slug = ? and state = ?", appeal.slug(), state));
        }
        return new RunResult.Throughput(round(ackedInWindow / windowSeconds), round((after.answered() - before.answered()) / windowSeconds),
                round(thankYousInWindow / windowSeconds), thankYousInWindow,
                smsc.thankYous(), probe.count("select count(*) from inbound_message"), states.get("CHARGED"), states.get("REJECTED"),
                states.get("FAILED"), states.get("UNKNOWN"), states.get("CHARGING"));
    }

    /** @param ledgerLockNanos the window's time holding the appeal's ledger lock (the charge events'; null for the others) */
    private static RunResult.GroupCommit groupCommit(GroupCommitter.Stats after, GroupCommitter.Stats before, long windowNanos, Long ledgerLockNanos) {
        long batches = after.batches() - before.batches();
        long items = after.items() - before.items();
        long commitNanos = after.commitNanos() - before.commitNanos();
        return new RunResult.GroupCommit(after.name(), batches, items, batches == 0 ? 0 : round((double) items / batches),
                batches == 0 ? 0 : round(commitNanos / 1e6 / batches), round(after.busyShare(commitNanos, windowNanos)),
                after.batchSizeLargest(), after.queued(),
                Percentiles.ofMicros(inWindow(after.waitMicros(), before.waitMicros())),
                Percentiles.ofMicros(inWindow(after.committedMicros(), before.committedMicros())),
                Percentiles.ofMicros(inWindow(after.durableCommitMicros(), before.durableCommitMicros())),
                Percentiles.ofMicros(inWindow(after.batchMicros(), before.batchMicros())),
                RunResult.BatchSizes.of(inWindow(after.batchItems(), before.batchItems())),
                ledgerLockNanos == null ? null : round((double) ledgerLockNanos / Math.max(1, windowNanos)));
    }

    /** The window's part of a histogram kept since start: the later copy minus the earlier one. */
    private static Histogram inWindow(Histogram after, Histogram before) {
        Histogram window = after.copy();
        window.subtract(before);
        return window;
    }

    /** Memory and database samples taken during the window, with their peaks. */
    private static final class Sampler {
        final ProcessMeter meter;
        final PostgresProbe probe;
        final Map<String, Long> waits = new TreeMap<>();
        int waitSamples;
        /** The WAL's position at the window's start, at each second's end and at its end, for {@link #walCensus}. */
        final List<WalMark> walMarks = new ArrayList<>();
        long postgresPeakKb;
        long combinedPeakKb;

        Sampler(ProcessMeter meter, PostgresProbe probe) {
            this.meter = meter;
            this.probe = probe;
        }

        RunResult.Second second(int index, long acked, long thankYous, Double thankYouP99Ms) {
            String previous = walMarks.isEmpty() ? null : walMarks.getLast().lsn();
            String lsn = probe.walInsertLsn();
            walMark(lsn, acked, thankYous);
            Long walKb = previous == null || lsn == null ? null : (lsnBytes(lsn) - lsnBytes(previous)) / 1024;
            ProcessMeter.Memory memory = memory();
            probe.activeBackends().forEach((event, count) -> waits.merge(event, count, Long::sum));
            waitSamples++;
            return new RunResult.Second(index, acked, thankYous, thankYouP99Ms, memory.jvmRssKb() / 1024, memory.postgresKb() / 1024,
                    probe.background(), walKb);
        }

        void walMark(String lsn, long acked, long thankYous) {
            walMarks.add(new WalMark(System.nanoTime(), lsn, acked, thankYous));
        }

        ProcessMeter.Memory memory() {
            ProcessMeter.Memory memory = meter.memory();
            postgresPeakKb = Math.max(postgresPeakKb, memory.postgresKb());
            combinedPeakKb = Math.max(combinedPeakKb, memory.totalKb());
            return memory;
        }
    }

    /** JIT compilation time so far, the JVM's own estimate summed over its compiler threads. */
    private static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bench interrupted", e);
        }
    }

    /** Deletes the run's temporary directory (the PostgreSQL data); a failure is reported, never fatal. */
    private void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            progress.println("note: could not delete " + directory + ": " + e.getMessage());
        }
    }
}
