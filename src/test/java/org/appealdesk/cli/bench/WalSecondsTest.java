package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WAL written each second of a window, from PostgreSQL's positions (a real run's seconds are in BenchCommandTest). */
class WalSecondsTest {

    @Test
    void aPositionIsItsHighAndLowHalvesInHex() {
        // Proves a position reads as PostgreSQL writes it: "16/B374D848" is 0x16 << 32 plus 0xB374D848, so the bytes
        // between two positions are their difference, also across a change of the high half; anything else is refused.
        assertThat(BenchRun.lsnBytes("0/0")).isZero();
        assertThat(BenchRun.lsnBytes("16/B374D848")).isEqualTo((0x16L << 32) + 0xB374D848L);
        assertThat(BenchRun.lsnBytes("1/0") - BenchRun.lsnBytes("0/FFFFFC00")).isEqualTo(1024);
        assertThatThrownBy(() -> BenchRun.lsnBytes("B374D848")).hasMessageContaining("not a WAL position");
        assertThatThrownBy(() -> BenchRun.lsnBytes("16/")).hasMessageContaining("not a WAL position");
    }

    @Test
    void theSummaryGivesTheMedianSecondAndTheLargest() {
        // Proves the line reads the seconds whose WAL was read (an unread one, null, is left out, never taken as 0),
        // gives their median and the largest with its second; and says nothing when no second was read.
        List<RunResult.Second> timeline = List.of(second(1, 10_240L), second(2, 51_200L), second(3, null), second(4, 12_288L), second(5, 11_264L));
        assertThat(printed(timeline)).isEqualTo("WAL each second: median 11.5 MB, the largest 50.0 MB (second 2)" + System.lineSeparator());
        assertThat(printed(List.of(second(1, null)))).isEmpty();
    }

    private static RunResult.Second second(int index, Long walKb) {
        return new RunResult.Second(index, index * 10L, index * 5L, null, 300, 300, null, walKb);
    }

    private static String printed(List<RunResult.Second> timeline) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SummaryPrinter.printWalSeconds(new PrintStream(bytes, true, StandardCharsets.UTF_8), timeline);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
