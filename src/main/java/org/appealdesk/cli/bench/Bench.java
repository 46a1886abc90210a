package org.appealdesk.cli.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The load benchmark's entry points for the command line: one run, or a rate sweep. Each writes its
 * JSON report and prints a human summary; the exit code is 0 only when every correctness check of
 * every run passed (a rate that is not sustained is a finding, not a failure).
 */
public final class Bench {

    /**
     * The first step of a sweep warms a cold JVM. With 15 s, the JIT still compiled for 3.0-5.2 s
     * (summed over its threads) in the first step's window and 2.0-4.4 s in the second's, under
     * 0.8 s from the third on, and the first two steps failed at rates that held later (ack p99
     * 98-232 ms at 1,200 and 2,000 texts/s, where 1,130-1,820/s held at 22-40 ms): a sweep whose
     * first step fails can only bisect below its starting rate, so a cold start capped the answer.
     */
    static final Duration FIRST_SWEEP_STEP_WARMUP_MIN = Duration.ofSeconds(45);
    /** Where reports go unless --json says otherwise (git-ignored). */
    public static final Path RESULTS_DIRECTORY = Path.of("bench-results");
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private Bench() {
    }

    /** bench-results/bench-20261124-153000.json, in UTC. */
    public static Path defaultReportFile(Instant now) {
        return RESULTS_DIRECTORY.resolve("bench-" + FILE_STAMP.format(now) + ".json");
    }

    public static int run(BenchSettings settings, Path report, String commandLine, PrintStream out) {
        Instant takenAt = Instant.now();
        BenchRun.Outcome outcome = new BenchRun(settings, out).run();
        SummaryPrinter.printCeiling(outcome.ceiling(), out);
        SummaryPrinter.printRun(outcome.run(), outcome.ceiling(), out);
        BenchReport result = new BenchReport("appealdesk bench", takenAt.toString(), commandLine, outcome.machine(),
                BenchReport.BenchSettingsView.of(settings), outcome.ceiling(), outcome.run(), null,
                BenchReport.Ratios.of(outcome.run(), outcome.ceiling()), outcome.run().passed());
        return finish(result, report, out);
    }

    public static int sweep(BenchSettings settings, int stepsMax, Path report, String commandLine, PrintStream out) {
        Instant takenAt = Instant.now();
        BenchRun.Outcome[] first = new BenchRun.Outcome[1];
        RateSweep.Result sweep = RateSweep.sweep(settings, stepsMax, step -> {
            // The ceiling is the machine's, not the rate's: measured once, with the first step. The first
            // step also meets a cold JIT (later steps share this JVM), so it warms up for longer.
            BenchSettings run = first[0] == null ? step.withWarmupAtLeast(FIRST_SWEEP_STEP_WARMUP_MIN) : step.withoutCeiling();
            BenchRun.Outcome outcome = new BenchRun(run, out).run();
            if (first[0] == null) {
                first[0] = outcome;
            }
            return outcome.run();
        }, out);
        SummaryPrinter.printCeiling(first[0].ceiling(), out);
        SummaryPrinter.printSweep(sweep, out);
        RunResult best = sweep.steps().stream().filter(RateSweep.Step::sustained)
                .max(java.util.Comparator.comparingDouble(RateSweep.Step::rate)).map(RateSweep.Step::run).orElse(null);
        boolean passed = sweep.steps().stream().allMatch(step -> step.run().passed());
        BenchReport result = new BenchReport("appealdesk bench --sweep", takenAt.toString(), commandLine, first[0].machine(),
                BenchReport.BenchSettingsView.of(settings), first[0].ceiling(), null, sweep, BenchReport.Ratios.of(best, first[0].ceiling()), passed);
        return finish(result, report, out);
    }

    private static int finish(BenchReport result, Path report, PrintStream out) {
        result.write(report);
        out.println("Machine: " + result.machine().describe());
        out.println("Results written to " + report.toAbsolutePath());
        out.println(result.passed() ? "bench: every check passed" : "bench: a CHECK FAILED");
        return result.passed() ? 0 : 1;
    }
}
