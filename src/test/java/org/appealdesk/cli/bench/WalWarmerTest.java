package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How many WAL segments --warm-wal makes for a run (the warming itself runs in BenchCommandTest, on a real server). */
class WalWarmerTest {

    @Test
    void makesSegmentsForTheRunsWalWithinItsLimits() {
        // Proves the count covers the run at 8 KB a text (5,000 texts/s for 60 s: 2.4 GB, 147 segments of 16 MB), and is held
        // between 8 (a short or slow run) and 256 (4 GB, the server's max_wal_size) however long or fast the run.
        assertThat(WalWarmer.segmentsFor(5_000, Duration.ofSeconds(60))).isEqualTo(147);
        assertThat(WalWarmer.segmentsFor(100, Duration.ofSeconds(1))).isEqualTo(WalWarmer.SEGMENTS_MIN);
        assertThat(WalWarmer.segmentsFor(50_000, Duration.ofMinutes(35))).isEqualTo(WalWarmer.SEGMENTS_MAX);
    }
}
