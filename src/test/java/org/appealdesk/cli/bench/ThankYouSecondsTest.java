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

    @Test
    void theSummarySaysWhenTheTailHappened() {
        // Proves the line gives the median of the seconds' p99s, the worst with its second, and how many seconds were
        // over 1 s; seconds without thank-yous are left out of all three.
        List<RunResult.Second> timeline = List.of(
                new RunResult.Second(1, 10, 5, 2_400.0, 300, 300),
                new RunResult.Second(2, 20, 10, null, 300, 300),
                new RunResult.Second(3, 30, 15, 310.0, 300, 300),
                new RunResult.Second(4, 40, 20, 290.0, 300, 300));
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
