package org.appealdesk.cli.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.appealdesk.platform.StatementStatistics;

/** The human summary of a bench run on standard output: the figures first, the evidence after. */
final class SummaryPrinter {

    /** Seconds whose thank-yous' p99 was over this are counted as slow: a donor notices a thank-you later than that. */
    static final double THANK_YOU_SECOND_SLOW_MS = 1_000;
    /** Seconds before a slow spell whose background is set beside it: its backlog built up then. */
    static final int SPELL_LEAD_SECONDS = 3;
    /** Most slow spells named one by one; the rest are counted. */
    static final int SPELLS_NAMED_MAX = 5;
    /** Said where no second's background could be read: unknown, never quiet. */
    private static final String UNREAD = "PostgreSQL's background could not be read";

    private SummaryPrinter() {
    }

    static void printCeiling(PostgresCeiling.Result ceiling, PrintStream out) {
        if (ceiling == null) {
            return;
        }
        out.println("PostgreSQL ceiling (durable inserts of inbound_message-shaped rows, one transaction per batch):");
        for (PostgresCeiling.Case c : ceiling.cases()) {
            out.printf("  %d writer(s) x batch %4d: %,10.0f rows/s  (%,.0f commits/s)%n", c.writers(), c.batchSize(), c.rowsPerSecond(), c.commitsPerSecond());
        }
        out.printf("  best: %,.0f rows/s%n", ceiling.bestRowsPerSecond());
    }

    static void printRun(RunResult run, PostgresCeiling.Result ceiling, PrintStream out) {
        RunResult.Throughput t = run.throughput();
        RunResult.Resources r = run.resources();
        // The warm-up's rate is named only when it is not the window's, so the usual header reads as it always has.
        String warmupRate = run.warmupRate() == run.rateTarget() ? "" : String.format(" at %.0f texts/s", run.warmupRate());
        out.printf("%n== %s mode, target %.0f texts/s, window %.1f s (warm-up %.1f s%s), %d binds, window %d, %s mix ==%n",
                run.mode(), run.rateTarget(), run.windowSeconds(), run.warmupSeconds(), warmupRate, run.binds(), run.window(),
                run.realisticMix() ? "realistic" : "well-behaved");
        out.printf("Texts generated %,d (%.0f/s achieved); acknowledged in window %,.0f/s%n",
                run.traffic().textsGenerated(), run.traffic().achievedRatePerSecond(), t.textsAcknowledgedPerSecond());
        if ("full".equals(run.mode())) {
            out.printf("Donations completed end to end (thank-yous received): %,.0f/s in the window (%,d); %,d in all%n",
                    t.donationsCompletedPerSecond(), t.donationsCompletedInWindow(), t.thankYousTotal());
            out.printf("Texts answered end to end (thank-yous and every other reply): %,.0f/s in the window%n", t.textsAnsweredPerSecond());
        }
        out.printf("Donations: charged %,d, refused before charging (daily cap) %,d, failed %,d, unknown %,d, charging %,d; texts recorded %,d%n",
                t.donationsCharged(), t.donationsRejected(), t.donationsFailed(), t.donationsUnknown(), t.donationsCharging(), t.textsRecorded());
        out.println("Text acknowledgement: " + run.latency().textAcknowledgement());
        if ("full".equals(run.mode())) {
            out.println("Text to thank-you:    " + run.latency().textToThankYou());
            printThankYouSeconds(out, run.timeline());
            printSlowSpells(out, run.timeline());
        }
        out.println("Generator lag:        " + run.latency().scheduleLag() + " (" + run.traffic().generatorEndReason() + ")");
        RunResult.Writes w = run.traffic().writes();
        out.printf("Socket writes: the simulator %,.0f a second, the platform %,.0f, for about %,.0f PDUs a second each way"
                + " (%.1f and %.1f PDUs a write)%n", w.simulatorPerSecond(), w.platformPerSecond(), w.pdusPerSecond(),
                w.simulatorPdusPerWrite(), w.platformPdusPerWrite());
        out.printf("Memory: JVM peak RSS %d MB, PostgreSQL peak %d MB, together at most %d MB (sum of peaks %d MB); heap used at end %d MB%n",
                r.jvmPeakRssMb(), r.postgresPeakMb(), r.combinedPeakMb(), r.sumOfPeaksMb(), r.heapUsedMbAtEnd());
        // The JIT's share apart: at low rates it is still compiling well into the window (a third of
        // the JVM's CPU at 500 texts/s after a 15 s warm-up), which a long-running server is not.
        double jitCores = run.jitCores();
        out.printf("CPU: JVM %.2f cores (the JIT compiler about %.2f of them), PostgreSQL %.2f cores, total %.2f of %d, %.2f without the JIT;"
                        + " other processes %.2f, steal %.2f%n",
                r.jvmCores(), jitCores, r.postgresCores(), r.totalCores(), r.processors(), Math.max(0, r.totalCores() - jitCores),
                r.otherProcessesCores(), r.stealCores());
        out.printf("GC: %d collections, %d ms in the window, longest %d ms; JIT compilation %,d ms in the window%n",
                r.gcCollectionsInWindow(), r.gcMsInWindow(), r.gcPauseMaxMs(), r.jitCompilationMsInWindow());
        out.println("JVM cores by thread group: " + top(r.jvmCoresByThreadGroup(), 8));
        printSides(out, run);
        if (run.totalsFreshness() != null) {
            TotalsFreshness.Result f = run.totalsFreshness();
            out.printf("Totals freshness (age of the oldest charge not yet shown): p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d samples%s%n",
                    f.p50Ms(), f.p99Ms(), f.maxMs(), f.samples(), f.failure() == null ? "" : " (" + f.failure() + ")");
        }
        RunResult.Postgres p = run.postgres();
        out.printf("PostgreSQL %s (synchronous_commit %s, fsync %s, wal_compression %s): %,.0f commits/s, %,.0f WAL syncs/s, %,.0f WAL bytes per text%n",
                p.version(), p.synchronousCommit(), p.fsync(), p.walCompression(), p.commitsPerSecond(), p.walSyncsPerSecond(), p.walBytesPerText());
        out.println("Busy backends, summed over " + p.samples() + " one-second samples: " + p.activeBackendSamples());
        if (!p.updatesByTable().isEmpty()) {
            StringBuilder updates = new StringBuilder("Rows updated in the window (HOT share; share put on another page, the page full):");
            StringBuilder autovacuum = new StringBuilder("Autovacuum in the window (vacuums / analyses):");
            p.updatesByTable().forEach((table, u) -> {
                if (u.updates() > 0) {
                    updates.append(String.format(" %s %,d (%.0f%%; %.0f%%)", table, u.updates(), 100.0 * u.hotUpdates() / u.updates(),
                            100.0 * u.newPageUpdates() / u.updates()));
                }
                if (u.autovacuums() > 0 || u.autoanalyzes() > 0) {
                    autovacuum.append(String.format(" %s %d / %d", table, u.autovacuums(), u.autoanalyzes()));
                }
            });
            out.println(updates);
            out.println(autovacuum);
        }
        printWalCensus(out, p.walCensus());
        if (p.checkpointAtWindow() != null) {
            RunResult.Checkpoint c = p.checkpointAtWindow();
            out.println(c.failure() != null ? "Checkpoint as the window began: failed (" + c.failure() + ")"
                    : c.seconds() == null ? "Checkpoint as the window began: not ended within 60 s"
                    : String.format("Checkpoint as the window began: took %.1f s", c.seconds()));
        }
        printWalSeconds(out, run.timeline());
        if (p.earlierDonors() != null) {
            EarlierDonors.Filled d = p.earlierDonors();
            out.printf("Earlier donors: the database held %,d before the run (table %,d MB, its indexes %,d MB; written, vacuumed and"
                            + " checkpointed in %.0f s)%n",
                    d.donors(), d.tableMb(), d.indexesMb(), d.seconds());
        }
        if (p.topStatements() != null) {
            out.println("Costliest statements in the window (pg_stat_statements):");
            StatementStatistics.printTable(p.topStatements(), out, "  ");
        }
        for (RunResult.GroupCommit g : run.groupCommit()) {
            out.printf("Group commit %s: %,d batches, %.1f items per batch, %.2f ms per batch, writer busy %.0f%% of the window%s%n",
                    g.name(), g.batches(), g.itemsPerBatch(), g.commitMsPerBatch(), g.writerBusyShare() * 100,
                    g.ledgerLockHeldShare() == null ? "" : String.format(", the appeal's ledger lock held %.0f%%", g.ledgerLockHeldShare() * 100));
            if (g.items() > 0) {
                out.println("  per item, queued to batch start: " + g.itemWait());
                out.println("  per item, queued to committed:   " + g.itemCommitted());
                out.println("  per batch, the COMMIT alone:     " + g.durableCommit());
                out.println("  per batch, the whole transaction: " + g.batchTime());
                out.println("  per batch, items:                " + g.batchItems());
            }
        }
        if (ceiling != null) {
            BenchReport.Ratios ratios = BenchReport.Ratios.of(run, ceiling);
            out.printf("As a share of the PostgreSQL ceiling (%,.0f rows/s): texts %.1f%%, donations %.1f%%%n", ceiling.bestRowsPerSecond(),
                    ratios.textsAcknowledgedPerCeilingRow() * 100, ratios.donationsCompletedPerCeilingRow() * 100);
        }
        out.println("Checks:");
        for (RunResult.Check check : run.checks()) {
            out.println((check.passed() ? "  ok    " : "  FAIL  ") + check.name() + " (" + check.detail() + ")");
        }
    }

    static void printSweep(RateSweep.Result sweep, PrintStream out) {
        out.println();
        out.println("== Sweep: " + sweep.criterion() + " ==");
        for (RateSweep.Step step : sweep.steps()) {
            RunResult run = step.run();
            out.printf("  step %2d  %,7.0f texts/s  ack p99 %7.2f ms  lag p99 %7.2f ms  thank-you p99 %8.1f ms  acked %,8.0f/s  done %,8.0f/s  %s%n",
                    step.step(), step.rate(), run.latency().textAcknowledgement().p99Ms(), run.latency().scheduleLag().p99Ms(),
                    run.latency().textToThankYou().p99Ms(), run.throughput().textsAcknowledgedPerSecond(),
                    run.throughput().donationsCompletedPerSecond(), step.verdict());
        }
        out.printf("Highest sustained rate: %,.0f texts/s%n", sweep.highestSustainedRate());
    }

    /** How many table rows a gift (or text) wrote, of each kind, and which tables: the database's work in counts. */
    static void printWalCensus(PrintStream out, WalCensus census) {
        if (census == null) {
            return;
        }
        WalCensus.Kinds all = census.perUnit();
        out.printf("WAL of the window's last %.0f s (pg_walinspect), a %s: %,d bytes; %.1f rows inserted, %.1f HOT and %.1f other updates,"
                        + " %.1f deletes, %.1f row locks, %.1f index entries, %.1f full-page images (%,d %ss, %,d texts acknowledged)%n",
                census.seconds(), census.unit(), census.walBytesPerUnit(), all.rowsInserted(), all.hotUpdates(), all.otherUpdates(),
                all.deletes(), all.rowLocks(), all.indexEntries(), all.fullPageImages(), census.units(), census.unit(), census.textsAcknowledged());
        StringJoiner tables = new StringJoiner("; ", "  by table, a " + census.unit() + " (inserts/HOT/other updates/deletes/locks/index entries): ", "");
        census.byTable().forEach((table, k) -> {
            // Tables with rows written, not those with only other records (a sequence's, a page pruned).
            if (k.rowWork() >= 0.05) {
                tables.add(String.format("%s %s/%s/%s/%s/%s/%s", table, brief(k.rowsInserted()), brief(k.hotUpdates()),
                        brief(k.otherUpdates()), brief(k.deletes()), brief(k.rowLocks()), brief(k.indexEntries())));
            }
        });
        out.println(tables);
    }

    /** A count a unit, to one decimal, "0" for none. */
    private static String brief(double value) {
        return value == 0 ? "0" : String.format("%.1f", value);
    }

    /**
     * The JVM's cores by side, and the platform's own cost with its database: what a production
     * machine would need per gift (per text in intake), the simulated network being another
     * operator's machine in life. Collection and compilation are shared and left out of it.
     */
    static void printSides(PrintStream out, RunResult run) {
        Map<String, Double> sides = run.resources().jvmCoresBySide();
        if (sides == null || sides.isEmpty()) {
            return;
        }
        double platform = sides.getOrDefault(ThreadCpu.Side.PLATFORM.key, 0.0);
        double withDatabase = platform + run.resources().postgresCores();
        boolean full = "full".equals(run.mode());
        double perSecond = full ? run.throughput().donationsCompletedPerSecond() : run.throughput().textsAcknowledgedPerSecond();
        out.printf("JVM cores by side: platform %.2f, load generator %.2f, bench %.2f, JVM's own (GC, JIT, housekeeping) %.2f;"
                        + " the platform with PostgreSQL %.2f cores%s%n",
                platform, sides.getOrDefault(ThreadCpu.Side.LOAD_GENERATOR.key, 0.0), sides.getOrDefault(ThreadCpu.Side.BENCH.key, 0.0),
                sides.getOrDefault(ThreadCpu.Side.JVM.key, 0.0), withDatabase,
                perSecond > 0 ? String.format(", %.3f ms of CPU a %s", withDatabase / perSecond * 1_000, full ? "gift completed" : "text acknowledged") : "");
    }

    private static String top(Map<String, Double> cores, int count) {
        StringBuilder text = new StringBuilder();
        cores.entrySet().stream().limit(count).forEach(e -> text.append(text.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return text.toString();
    }

    /**
     * The WAL written each second of the window: its median, and the largest second against it.
     * The first seconds after a checkpoint write whole pages again; a window that starts on one
     * (--checkpoint-at-window) shows that burst here, the more so on a big donor table
     * (--donors-before; BENCHMARKS.md, "A database that has run for months").
     */
    static void printWalSeconds(PrintStream out, List<RunResult.Second> timeline) {
        SecondsSpread wal = SecondsSpread.of(timeline, RunResult.Second::walKb);
        if (wal == null) {
            return;
        }
        out.printf("WAL each second: median %.1f MB, the largest %.1f MB (second %d)%n", wal.median() / 1024, wal.largest().walKb() / 1024.0,
                wal.largest().second());
    }

    /**
     * One per-second figure over the window's seconds that have it (a null is a second not read,
     * never taken as 0): those seconds, the figure's median, and the second where it was largest
     * (the first such).
     */
    private record SecondsSpread(List<RunResult.Second> read, double median, RunResult.Second largest) {
        /** Null when no second has the figure. */
        static SecondsSpread of(List<RunResult.Second> timeline, Function<RunResult.Second, ? extends Number> figure) {
            List<RunResult.Second> read = timeline.stream().filter(second -> figure.apply(second) != null).toList();
            if (read.isEmpty()) {
                return null;
            }
            ToDoubleFunction<RunResult.Second> value = second -> figure.apply(second).doubleValue();
            double[] sorted = read.stream().mapToDouble(value).sorted().toArray();
            return new SecondsSpread(read, SummaryPrinter.median(sorted), read.stream().max(Comparator.comparingDouble(value)).orElseThrow());
        }
    }

    /**
     * When the thank-you tail happened: the median and the worst of each second's p99, and how
     * many seconds were slow. A p99 over the window cannot tell a few bad seconds (a step in the
     * rate, a stall) from a tail all along. Window seconds only: thank-yous while the run settles
     * are in the line above, not here.
     */
    static void printThankYouSeconds(PrintStream out, List<RunResult.Second> timeline) {
        SecondsSpread thanked = SecondsSpread.of(timeline, RunResult.Second::thankYouP99Ms);
        if (thanked == null) {
            return;
        }
        long slowSeconds = thanked.read().stream().filter(SummaryPrinter::slow).count();
        out.printf("  each second's p99 in the window: median %,.0f ms, the worst %,.0f ms (second %d); %d of %d seconds over %,.0f ms%n",
                thanked.median(), thanked.largest().thankYouP99Ms(), thanked.largest().second(), slowSeconds, thanked.read().size(),
                THANK_YOU_SECOND_SLOW_MS);
    }

    /**
     * What the slow spells followed: each run of slow seconds (see {@link #printThankYouSeconds})
     * beside the vacuums, analyses and checkpoint seen from {@link #SPELL_LEAD_SECONDS} seconds
     * before its first second to that second (not reaching back into the spell before it), with
     * the window's count of analyses and vacuums autovacuum finished, to read each spell against.
     * A spell shows a backlog that built up before it, so what ran at its start is the suspect, not
     * what runs while it drains. Seconds whose background could not be read are counted as such,
     * never as quiet. It points where to look, no more.
     */
    static void printSlowSpells(PrintStream out, List<RunResult.Second> timeline) {
        List<int[]> spells = spells(timeline);
        if (spells.isEmpty()) {
            return;
        }
        List<PostgresProbe.Background> read = timeline.stream().map(RunResult.Second::background).filter(Objects::nonNull).toList();
        String autovacuum = read.isEmpty() ? UNREAD
                : String.format("autovacuum finished %s and %s in the %s read", count(read.stream().mapToInt(b -> b.analysesFinished().size()).sum(),
                "analysis", "analyses"), count(read.stream().mapToInt(b -> b.vacuumsFinished().size()).sum(), "vacuum", "vacuums"),
                count(read.size(), "second", "seconds"));
        out.printf("  slow spells (seconds in a row over %,.0f ms): %d; %s%n", THANK_YOU_SECOND_SLOW_MS, spells.size(), autovacuum);
        int previousEnd = -1;
        for (int[] spell : spells.subList(0, Math.min(spells.size(), SPELLS_NAMED_MAX))) {
            int leadFrom = Math.max(previousEnd + 1, spell[0] - SPELL_LEAD_SECONDS);
            previousEnd = spell[1];
            List<RunResult.Second> leadSeconds = timeline.subList(leadFrom, spell[0] + 1);
            List<PostgresProbe.Background> lead = leadSeconds.stream().map(RunResult.Second::background).filter(Objects::nonNull).toList();
            int unread = leadSeconds.size() - lead.size();
            String before = lead.isEmpty() ? UNREAD
                    : String.format("analyses of %s, vacuums of %s; %s%s", named(lead, b -> union(b.analysesFinished(), b.analyzing())),
                    named(lead, b -> union(b.vacuumsFinished(), b.vacuuming())),
                    lead.stream().anyMatch(PostgresProbe.Background::checkpointing) ? "a checkpoint ran" : "no checkpoint",
                    unread == 0 ? "" : String.format(" (%d of %d seconds unread)", unread, leadSeconds.size()));
            out.printf("    %s; in %s: %s%n", seconds(timeline, spell[0], spell[1]), seconds(timeline, leadFrom, spell[0]), before);
        }
        if (spells.size() > SPELLS_NAMED_MAX) {
            out.printf("    and %d more%n", spells.size() - SPELLS_NAMED_MAX);
        }
    }

    /** "second N" or "seconds N-M", of the timeline's seconds at indexes {@code first} to {@code last}. */
    private static String seconds(List<RunResult.Second> timeline, int first, int last) {
        return first == last ? "second " + timeline.get(first).second()
                : "seconds " + timeline.get(first).second() + "-" + timeline.get(last).second();
    }

    /** "1 analysis", "2 analyses". */
    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** Each run of consecutive slow seconds, as the first and last index into {@code timeline}. */
    static List<int[]> spells(List<RunResult.Second> timeline) {
        List<int[]> spells = new ArrayList<>();
        for (int index = 0; index < timeline.size(); index++) {
            if (!slow(timeline.get(index))) {
                continue;
            }
            int first = index;
            while (index + 1 < timeline.size() && slow(timeline.get(index + 1))) {
                index++;
            }
            spells.add(new int[]{first, index});
        }
        return spells;
    }

    private static List<String> union(List<String> finished, List<String> running) {
        List<String> both = new ArrayList<>(finished);
        both.addAll(running);
        return both;
    }

    /** The tables {@code tables} names over {@code seconds}, once each and sorted; "nothing" when none. */
    private static String named(List<PostgresProbe.Background> seconds, Function<PostgresProbe.Background, List<String>> tables) {
        String names = seconds.stream().flatMap(second -> tables.apply(second).stream()).distinct().sorted().collect(Collectors.joining(", "));
        return names.isEmpty() ? "nothing" : names;
    }

    /** Whether a second's thank-yous' p99 was over {@link #THANK_YOU_SECOND_SLOW_MS}; a second without any is not. */
    static boolean slow(RunResult.Second second) {
        return second.thankYouP99Ms() != null && second.thankYouP99Ms() > THANK_YOU_SECOND_SLOW_MS;
    }

    /** The median of sorted values: the middle one, or the mean of the two middle ones. */
    static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
