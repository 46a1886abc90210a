package org.appealdesk.cli.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The JSON file a bench command writes: what was run (the exact command and settings), on what
 * machine, the PostgreSQL ceiling, and either one run or a sweep's steps, with the platform's
 * figures as shares of the ceiling. One of {@code run} and {@code sweep} is present.
 */
record BenchReport(String tool, String takenAt, String command, MachineInfo machine, BenchSettingsView settings,
                   PostgresCeiling.Result ceiling, RunResult run, RateSweep.Result sweep, Ratios ratiosToCeiling, boolean passed) {

    /**
     * The settings as plain values for the file. {@code warmupRate} is the warm-up's own rate, absent
     * when it runs at the window's (in a sweep, each step's): the run's own figures say what it was.
     */
    record BenchSettingsView(double rate, double forSeconds, double warmupSeconds, Double warmupRate, int binds, int window, long seed, String mode,
                             boolean realisticMix, String config, double ceilingCaseSeconds, boolean statementStatistics, int donorPoolSize,
                             int submitsPerSecondPerBind, int intakeWriters, int eventWriters, int handoffCapacity, long textLingerMs,
                             long eventLingerMs, boolean warmWal, String messageIds, String deliveries,
                             long donorsBefore, String walCompression, boolean checkpointAtWindow) {
        static BenchSettingsView of(BenchSettings s) {
            return new BenchSettingsView(s.ratePerSecond(), s.duration().toMillis() / 1000.0, s.warmup().length().toMillis() / 1000.0,
                    s.warmup().ratePerSecond(), s.binds(),
                    s.window(), s.seed(), s.mode().label(), s.realistic(), s.config().toString(), s.ceilingCase().toMillis() / 1000.0,
                    s.statementStatistics(), BenchRun.DONOR_POOL_SIZE, BenchRun.SUBMITS_PER_SECOND_PER_BIND,
                    s.batching().textWriters(), s.batching().eventWriters(), s.batching().handoffCapacity(),
                    s.batching().texts().lingerMax().toMillis(), s.batching().events().lingerMax().toMillis(), s.warmWal(),
                    s.messageIds().name().toLowerCase(Locale.ROOT), s.deliveriesApart() ? "apart" : "together",
                    s.donorsBefore(), s.walCompression(), s.checkpointAtWindow());
        }
    }

    /**
     * The platform's rates divided by the ceiling's best rows per second (of the run, or of the
     * sweep's highest sustained step).
     */
    record Ratios(double textsAcknowledgedPerCeilingRow, double donationsCompletedPerCeilingRow) {
        static Ratios of(RunResult run, PostgresCeiling.Result ceiling) {
            if (run == null || ceiling == null || ceiling.bestRowsPerSecond() <= 0) {
                return null;
            }
            return new Ratios(share(run.throughput().textsAcknowledgedPerSecond(), ceiling.bestRowsPerSecond()),
                    share(run.throughput().donationsCompletedPerSecond(), ceiling.bestRowsPerSecond()));
        }

        private static double share(double rate, double ceiling) {
            return Math.round(rate / ceiling * 10_000) / 10_000.0;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bench results to " + file, e);
        }
    }
}
