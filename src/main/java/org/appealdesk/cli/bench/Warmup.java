package org.appealdesk.cli.bench;

import java.time.Duration;
import org.appealdesk.sim.TrafficPlan;

/**
 * The unmeasured traffic before a run's window: how long, and at what rate.
 *
 * <p>Why a rate of its own: a telethon's peak comes after an evening of steady giving, so the
 * server that meets it has long since compiled its hot code. On 2 cores the C2 compiler still took
 * 0.10 cores of a 60 s window at 3,300 texts/s after the default 30 s warm-up, and 0.04 after 90 s
 * (BENCHMARKS.md, the JIT warmed). A long warm-up at the window's rate would pile up the backlog a
 * cold platform cannot clear; a quieter one warms the same code without it.
 *
 * @param length        how long; zero for none
 * @param ratePerSecond texts per second meanwhile, or {@link #SAME_RATE} for the window's
 */
public record Warmup(Duration length, double ratePerSecond) {

    /** The warm-up runs at the window's rate: not a number, so that no rate typed, 0 included, can mean it. */
    public static final double SAME_RATE = Double.NaN;
    public static final Duration LENGTH_MAX = Duration.ofMinutes(5);

    public Warmup {
        if (length == null || length.isNegative() || length.compareTo(LENGTH_MAX) > 0) {
            throw new IllegalArgumentException("--warmup must be 0-" + LENGTH_MAX.toMinutes() + "m, got " + length);
        }
        if (!sameRate(ratePerSecond) && (!(ratePerSecond > 0) || ratePerSecond > TrafficPlan.RATE_PER_SECOND_MAX)) {
            throw new IllegalArgumentException("--warmup-rate must be above 0 and at most " + (long) TrafficPlan.RATE_PER_SECOND_MAX
                    + " texts/s, got " + ratePerSecond);
        }
    }

    /** A warm-up at the window's rate. */
    public static Warmup of(Duration length) {
        return new Warmup(length, SAME_RATE);
    }

    private static boolean sameRate(double ratePerSecond) {
        return Double.isNaN(ratePerSecond);
    }

    boolean none() {
        return length.isZero();
    }

    /** The rate the warm-up runs at, for a window at {@code windowRate}. */
    double rateFor(double windowRate) {
        return sameRate(ratePerSecond) ? windowRate : ratePerSecond;
    }

    Warmup atLeast(Duration least) {
        return length.compareTo(least) >= 0 ? this : new Warmup(least, ratePerSecond);
    }
}
