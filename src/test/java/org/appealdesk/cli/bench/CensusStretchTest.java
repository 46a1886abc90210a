package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which stretch of a window the WAL census reads ({@link BenchRun#censusStretch}). */
class CensusStretchTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long FIVE_SECONDS = 5 * SECOND;

    @Test
    void theStretchIsTheLastFiveSecondsEvenWhenTheWindowsEndFollowsItsLastSecondClosely() {
        // Proves: marks at the window's start, at each second's end and at the window's end just after its last second
        // (here 30 s and 30.01 s) give a stretch of five whole seconds (25 s to 30.01 s), not four, as counting five marks
        // back from the end would.
        List<BenchRun.WalMark> marks = new ArrayList<>();
        for (int second = 0; second <= 30; second++) {
            marks.add(mark(second * SECOND, "0/" + second));
        }
        marks.add(mark(30 * SECOND + 10_000_000L, "0/end"));

        BenchRun.WalMark[] stretch = BenchRun.censusStretch(marks, FIVE_SECONDS);

        assertThat(stretch[0].lsn()).isEqualTo("0/25");
        assertThat(stretch[1].lsn()).isEqualTo("0/end");
    }

    @Test
    void aShortWindowIsReadWholeAndUnreadableMarksAreSkippedOrRefused() {
        // Proves: a window shorter than the stretch is read from its start; a mark whose position could not be read is
        // passed over for the one before it; and with the end's position unreadable, or no readable mark before it,
        // there is no stretch (null, never an exception).
        List<BenchRun.WalMark> shortWindow = List.of(mark(0, "0/start"), mark(SECOND, "0/1"), mark(SECOND + 5_000_000L, "0/end"));
        assertThat(BenchRun.censusStretch(shortWindow, FIVE_SECONDS)[0].lsn()).isEqualTo("0/start");

        List<BenchRun.WalMark> gap = new ArrayList<>();
        for (int second = 0; second <= 10; second++) {
            gap.add(mark(second * SECOND, second == 5 ? null : "0/" + second));
        }
        assertThat(BenchRun.censusStretch(gap, FIVE_SECONDS)[0].lsn()).as("second 5 unreadable: the one before it").isEqualTo("0/4");

        assertThat(BenchRun.censusStretch(List.of(mark(0, "0/start"), mark(SECOND, null)), FIVE_SECONDS)).isNull();
        assertThat(BenchRun.censusStretch(List.of(mark(0, null), mark(SECOND, "0/end")), FIVE_SECONDS)).isNull();
        assertThat(BenchRun.censusStretch(List.of(mark(0, "0/start")), FIVE_SECONDS)).as("one mark is no stretch").isNull();
    }

    private static BenchRun.WalMark mark(long atNanos, String lsn) {
        return new BenchRun.WalMark(atNanos, lsn, 0, 0);
    }
}
