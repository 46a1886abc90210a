package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How many WAL segments --warm-wal makes for a run (the warming itself runs in BenchCommandTest, on a real server). */
class WalWarmerTest {

    @Test
    void makesSegmentsForTheRunsWalWithinItsLimits() {
        // Proves the count covers the run at 8 KB a text (5,000 texts/s for 60 s: 2.4 GB, 147 segments of 16 MB), and is held
        // between 8 (a short or slow run) and 256 (4 GB, the server's max_wal_size) however long or fast the run.
        assertThat(WalWarmer.segmentsFor(5_000 * 60)).isEqualTo(147);
        assertThat(WalWarmer.segmentsFor(100)).isEqualTo(WalWarmer.SEGMENTS_MIN);
        assertThat(WalWarmer.segmentsFor(50_000 * 35 * 60.0)).isEqualTo(WalWarmer.SEGMENTS_MAX).isEqualTo(256);
    }

    @Test
    void numbersSegmentsByLogAndSegmentAcrossLogs() {
        // Proves a WAL file name (timeline, log, segment in hex) reads as one ascending number, 256 segments of 16 MB to a log,
        // so the last segment of a log comes right before the first of the next; anything else is refused.
        assertThat(WalWarmer.segmentNumber("000000010000000200000003")).isEqualTo(2 * 256 + 3);
        assertThat(WalWarmer.segmentNumber("0000000100000001000000FF") + 1).isEqualTo(WalWarmer.segmentNumber("000000010000000200000000"));
        assertThatThrownBy(() -> WalWarmer.segmentNumber("00000001000000010000000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalWarmer.segmentNumber(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
