package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.appealdesk.app.Core;
import org.appealdesk.sim.MessageIdStyle;
import org.junit.jupiter.api.Test;

/** A run's warm-up at its own rate: what it is refused, what it plans, what the report says (a real run is in BenchCommandTest). */
class WarmupTest {

    @Test
    void sizesTheWalForTheWarmupAtItsOwnRateAndTheWindowAtTheirs() {
        // Proves the texts a run plans are the warm-up's at its own rate plus the window's: two minutes at 1,000 texts/s and
        // 60 s at 3,600 are 336,000 texts, 165 segments; at the window's rate throughout (648,000 texts) it would be the cap, 256.
        BenchSettings quieter = settings(new Warmup(Duration.ofMinutes(2), 1_000.0));
        assertThat(quieter.textsPlanned()).isEqualTo(336_000);
        assertThat(WalWarmer.segmentsFor(quieter.textsPlanned())).isEqualTo(165);

        BenchSettings same = settings(Warmup.atWindowRate(Duration.ofMinutes(2)));
        assertThat(same.textsPlanned()).isEqualTo(648_000);
        assertThat(WalWarmer.segmentsFor(same.textsPlanned())).isEqualTo(WalWarmer.SEGMENTS_MAX);
    }

    private static BenchSettings settings(Warmup warmup) {
        return new BenchSettings(3_600, Duration.ofSeconds(60), warmup, 4, 100, 1, BenchMode.FULL, false, Path.of("config/reference-appeal.json"),
                Duration.ZERO, false, Core.Batching.defaults(), true, MessageIdStyle.HEX, false, 0, null, false);
    }

    @Test
    void theReportStatesAWarmupRateOnlyWhenTheWarmupHadItsOwn() {
        // Proves the report's settings give the warm-up's rate when it was its own, and leave it out when the warm-up ran
        // at the window's rate (in a sweep, each step's), while the run's rate for the warm-up is the window's then.
        assertThat(BenchReport.BenchSettingsView.of(settings(new Warmup(Duration.ofMinutes(2), 1_000.0))).warmupRate()).isEqualTo(1_000.0);
        BenchSettings same = settings(Warmup.atWindowRate(Duration.ofSeconds(30)));
        assertThat(BenchReport.BenchSettingsView.of(same).warmupRate()).isNull();
        assertThat(same.warmupRate()).isEqualTo(3_600);
        assertThat(same.withRate(5_000).warmupRate()).as("a sweep's step warms up at its own rate").isEqualTo(5_000);
    }

    @Test
    void aLongerWarmupKeepsItsRate() {
        // Proves the sweep's first step, lengthened to its minimum, still warms up at the rate that was asked for.
        Warmup quieter = new Warmup(Duration.ofSeconds(10), 1_000.0);
        assertThat(quieter.atLeast(Duration.ofSeconds(45))).isEqualTo(new Warmup(Duration.ofSeconds(45), 1_000.0));
        assertThat(quieter.atLeast(Duration.ofSeconds(5))).isSameAs(quieter);
        assertThatThrownBy(() -> new Warmup(Duration.ofMinutes(6), null)).hasMessage("--warmup must be 0-5m, got PT6M");
    }
}
