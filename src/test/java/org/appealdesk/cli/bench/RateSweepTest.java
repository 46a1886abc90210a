package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateSweepTest {

    @Test
    void doublesUntilARateFallsShortThenBisectsToWithinFivePerCent() {
        // Proves the sweep doubles from the first rate, then bisects between the best rate that held and the first that did
        // not, and stops once they are within 5% (here a platform that holds up to 3,000 texts/s).
        List<Double> tried = new ArrayList<>();
        double held = 0;
        double fell = Double.POSITIVE_INFINITY;
        Double rate = 500.0;
        while (rate != null && tried.size() < RateSweep.STEPS_MAX_LIMIT) {
            tried.add(rate);
            if (rate <= 3_000) {
                held = rate;
            } else {
                fell = rate;
            }
            rate = RateSweep.next(held, fell);
        }
        assertThat(tried.subList(0, 4)).containsExactly(500.0, 1_000.0, 2_000.0, 4_000.0);
        assertThat(tried.get(4)).isEqualTo(3_000.0);
        assertThat(held).isBetween(2_850.0, 3_000.0);
        assertThat(fell - held).isLessThanOrEqualTo(Math.max(RateSweep.RATE_GRAIN, held * RateSweep.RESOLUTION));
        assertThat(tried.size()).isLessThan(10);
    }

    @Test
    void stopsAtTheGeneratorsLimitAndBisectsDownWhenTheFirstRateFails() {
        // Proves a sweep never asks for more than the load generator can make, and bisects towards zero when even the first rate fails.
        assertThat(RateSweep.next(20_000, Double.POSITIVE_INFINITY)).isNull();
        assertThat(RateSweep.next(16_000, Double.POSITIVE_INFINITY)).isEqualTo(20_000.0);
        assertThat(RateSweep.next(0, 1_000)).isEqualTo(500.0);
        assertThat(RateSweep.next(0, 10)).isNull();
    }

    @Test
    void threadGroupsDropNumbersAndSessionIds() {
        // Proves the CPU split groups a pool's threads together, whether numbered or named after a session id.
        assertThat(ThreadCpu.group("sim-deliver-17")).isEqualTo("sim-deliver-#");
        assertThat(ThreadCpu.group("ForkJoinPool-1-worker-3")).isEqualTo("ForkJoinPool-#-worker-#");
        assertThat(ThreadCpu.group("PDUReaderWorker-fabb7140")).isEqualTo("PDUReaderWorker-#");
        assertThat(ThreadCpu.group("group-commit-text-intake")).isEqualTo("group-commit-text-intake");
    }
}
