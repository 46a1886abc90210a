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

    private static final PostgresProbe.Background QUIET = background(List.of(), List.of(), "CheckpointerMain", List.of(), List.of());

    private static PostgresProbe.Background background(List<String> vacuuming, List<String> analyzing, String checkpointer,
                                                       List<String> vacuumsFinished, List<String> analysesFinished) {
        return new PostgresProbe.Background(vacuuming, analyzing, checkpointer, vacuumsFinished, analysesFinished);
    }

    private static RunResult.Second second(int index, Double p99Ms, PostgresProbe.Background background) {
        return new RunResult.Second(index, index * 10L, index * 5L, p99Ms, 300, 300, background, null);
    }

    @Test
    void eachSlowSpellIsSetBesideWhatAutovacuumDidJustBeforeIt() {
        // Proves: a spell is a run of seconds over 1 s (1 s itself is not slow, a second without thank-yous is not
        // slow); each is set beside the tables vacuumed or analysed (finished, or running at a second's end) from 3 s
        // before its first second to that second, once each and sorted, and whether a checkpoint ran then; the lead
        // never reaches back into the spell before (second 6's vacuum and analysis are the first spell's, not the
        // second's lead); unread seconds in a lead are counted, never taken as quiet; the window's finished analyses
        // and vacuums are counted over the seconds read, to read each spell against.
        List<RunResult.Second> timeline = List.of(
                second(1, 300.0, background(List.of(), List.of(), "CheckpointerMain", List.of(), List.of("journal"))),
                second(2, 300.0, background(List.of(), List.of("outbox"), "CheckpointerMain", List.of("charge_part"), List.of())),
                second(3, 300.0, null),
                second(4, 300.0, background(List.of(), List.of(), "CheckpointWriteDelay", List.of(), List.of("inbound_message"))),
                second(5, 1_500.0, background(List.of(), List.of(), "CheckpointerMain", List.of(), List.of("inbound_message", "donation"))),
                second(6, 2_000.0, background(List.of("outbox"), List.of(), "CheckpointerMain", List.of(), List.of("posting"))),
                second(7, 1_000.0, QUIET),
                second(8, null, background(List.of(), List.of(), "CheckpointerMain", List.of("donor"), List.of())),
                second(9, 1_100.0, null),
                second(10, 1_200.0, QUIET));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            SummaryPrinter.printSlowSpells(out, timeline);
            SummaryPrinter.printSlowSpells(out, List.of(second(1, 300.0, QUIET)));
        }

        String n = System.lineSeparator();
        assertThat(text.toString(StandardCharsets.UTF_8)).as("nothing printed without a slow second").isEqualTo(
                "  slow spells (seconds in a row over 1,000 ms): 2; autovacuum finished 5 analyses and 2 vacuums in the 8 seconds read" + n
                        + "    seconds 5-6; in seconds 2-5: analyses of donation, inbound_message, outbox, vacuums of charge_part; a checkpoint ran"
                        + " (1 of 4 seconds unread)" + n
                        + "    seconds 9-10; in seconds 7-9: analyses of nothing, vacuums of donor; no checkpoint (1 of 3 seconds unread)" + n);
    }

    @Test
    void aSpellWithNothingReadBeforeItSaysSoAndOnlyFiveAreNamed() {
        // Proves a spell whose lead could not be read says so (not "nothing": unknown is not quiet), as does the count
        // when no second was read; one-second spells and leads read "second N"; after five spells named the rest are
        // counted.
        List<RunResult.Second> timeline = new java.util.ArrayList<>(List.of(second(1, 1_500.0, null)));
        for (int index = 2; index <= 13; index++) {
            timeline.add(second(index, index % 2 == 0 ? 300.0 : 1_500.0, QUIET));
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            SummaryPrinter.printSlowSpells(out, timeline);
            SummaryPrinter.printSlowSpells(out, List.of(second(1, 300.0, null), second(2, 1_500.0, null)));
        }

        String n = System.lineSeparator();
        assertThat(text.toString(StandardCharsets.UTF_8)).isEqualTo(
                "  slow spells (seconds in a row over 1,000 ms): 7; autovacuum finished 0 analyses and 0 vacuums in the 12 seconds read" + n
                        + "    second 1; in second 1: PostgreSQL's background could not be read" + n
                        + "    second 3; in seconds 2-3: analyses of nothing, vacuums of nothing; no checkpoint" + n
                        + "    second 5; in seconds 4-5: analyses of nothing, vacuums of nothing; no checkpoint" + n
                        + "    second 7; in seconds 6-7: analyses of nothing, vacuums of nothing; no checkpoint" + n
                        + "    second 9; in seconds 8-9: analyses of nothing, vacuums of nothing; no checkpoint" + n
                        + "    and 2 more" + n
                        + "  slow spells (seconds in a row over 1,000 ms): 1; PostgreSQL's background could not be read" + n
                        + "    second 2; in seconds 1-2: PostgreSQL's background could not be read" + n);
        assertThat(SummaryPrinter.spells(timeline)).hasSize(7);
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
