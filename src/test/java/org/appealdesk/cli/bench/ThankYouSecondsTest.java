package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The thank-you tail second by second: each second's p99, and the summary's line about them (a real run is in BenchCommandTest). */
class ThankYouSecondsTest {

    @Test
    void eachSecondsP99IsOfWhatThatSecondRecordedOnly() {
        // Proves the p99 is taken over the difference of two cumulative histograms: a slow first second does not
        // carry into a fast second one, and a second with nothing recorded has no p99 at all.
        Histogram first = new Histogram(60_000_000L, 3);
        for (int i = 0; i < 100; i++) {
            first.recordValue(3_000_000); // 3 s, in microseconds
        }
        Histogram second = first.copy();
        for (int i = 0; i < 100; i++) {
            second.recordValue(200_000); // 200 ms
        }

        assertThat(BenchRun.p99MsSince(first, new Histogram(60_000_000L, 3))).isCloseTo(3_000, within(5.0));
        assertThat(BenchRun.p99MsSince(second, first)).isCloseTo(200, within(1.0));
        assertThat(BenchRun.p99MsSince(second, second)).isNull();
    }

    private static final PostgresProbe.Background QUIET = new PostgresProbe.Background(List.of(), List.of(), "CheckpointerMain");

    private static RunResult.Second second(int index, Double p99Ms, PostgresProbe.Background background) {
        return new RunResult.Second(index, index * 10L, index * 5L, p99Ms, 300, 300, background);
    }

    @Test
    void theSlowSecondsAreSetBesidePostgresqlsBackgroundWork() {
        // Proves only the seconds over 1 s are counted (1 s itself is not slow): those with a vacuum (and of which tables,
        // summed over them), an analysis, or the checkpointer anywhere but idle; a fast second's vacuum and checkpoint are
        // left out, as is a second whose background could not be read, and a checkpointer not seen is no checkpoint.
        List<RunResult.Second> timeline = List.of(
                second(1, 1_500.0, new PostgresProbe.Background(List.of("outbox"), List.of(), "CheckpointWriteDelay")),
                second(2, 2_000.0, new PostgresProbe.Background(List.of("charge_part", "outbox"), List.of("donation"), "CheckpointerMain")),
                second(3, 1_200.0, QUIET),
                second(4, 300.0, new PostgresProbe.Background(List.of("outbox"), List.of(), "CheckpointWriteDelay")),
                second(5, 1_000.0, new PostgresProbe.Background(List.of("donor"), List.of(), "CheckpointWriteDelay")),
                second(6, 5_000.0, null),
                second(7, 1_100.0, new PostgresProbe.Background(List.of(), List.of(), null)));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            SummaryPrinter.printSlowSecondsBackground(out, timeline);
            SummaryPrinter.printSlowSecondsBackground(out, List.of(second(1, 300.0, QUIET)));
        }

        assertThat(text.toString(StandardCharsets.UTF_8)).as("nothing printed without a slow second").isEqualTo(
                "  in those slow seconds: a vacuum running in 2 (charge_part 1, outbox 2), an analysis in 1, a checkpoint in 1"
                        + System.lineSeparator());
    }

    @Test
    void theSummarySaysWhenTheTailHappened() {
        // Proves the line gives the median of the seconds' p99s, the worst with its second, and how many seconds were
        // over 1 s; seconds without thank-yous are left out of all three.
        List<RunResult.Second> timeline = List.of(
                second(1, 2_400.0, QUIET),
                second(2, null, QUIET),
                second(3, 310.0, QUIET),
                second(4, 290.0, QUIET));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            SummaryPrinter.printThankYouSeconds(out, timeline);
        }

        assertThat(text.toString(StandardCharsets.UTF_8))
                .isEqualTo("  each second's p99 in the window: median 310 ms, the worst 2,400 ms (second 1); 1 of 3 seconds over 1,000 ms"
                        + System.lineSeparator());
        // With an even count the median is the mean of the two middle seconds.
        assertThat(SummaryPrinter.median(new double[]{100, 200, 300, 1_000})).isEqualTo(250);
    }
}
