package org.appealdesk.cli.bench;

import java.time.Duration;
import org.appealdesk.sim.TrafficPlan;

/**
 * The unmeasured traffic before a run's window: how long, and at what rate.
 *
 * <p>Why a rate of its own: a telethon's peak comes after an evening of steady giving, so the
 * platform that meets it is warm and has no backlog. A long warm-up at a peak rate above what a
 * cold platform can take would hand the window the backlog it piled up (BENCHMARKS.md, the peak
 * after a quieter warm-up); a quieter one warms the same code without it.
 *
 * @param length        how long; zero for none
 * @param ratePerSecond texts per second meanwhile; null for the window's rate
 */
public record Warmup(Duration length, Double ratePerSecond) {

    public static final Duration LENGTH_MAX = Duration.ofMinutes(5);

    public Warmup {
        if (length == null || length.isNegative() || length.compareTo(LENGTH_MAX) > 0) {
            throw new IllegalArgumentException("--warmup must be 0-" + LENGTH_MAX.toMinutes() + "m, got " + length);
        }
        if (ratePerSecond != null) {
            // Written so that NaN fails too.
            if (!(ratePerSecond > 0 && ratePerSecond <= TrafficPlan.RATE_PER_SECOND_MAX)) {
                throw new IllegalArgumentException("--warmup-rate must be above 0 and at most " + (long) TrafficPlan.RATE_PER_SECOND_MAX
                        + " texts/s, got " + ratePerSecond);
            }
            if (length.isZero()) {
                throw new IllegalArgumentException("--warmup-rate needs a warm-up (not --no-warmup or --warmup 0)");
            }
        }
    }

    /** A warm-up at the window's rate. */
    static Warmup atWindowRate(Duration length) {
        return new Warmup(length, null);
    }

    boolean none() {
        return length.isZero();
    }

    /** The rate the warm-up runs at, for a window at {@code windowRate}. */
    double rateFor(double windowRate) {
        return ratePerSecond == null ? windowRate : ratePerSecond;
    }

    Warmup atLeast(Duration least) {
        return length.compareTo(least) >= 0 ? this : new Warmup(least, ratePerSecond);
    }
}
