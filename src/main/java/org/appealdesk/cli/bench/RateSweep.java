package org.appealdesk.cli.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.appealdesk.sim.TrafficPlan;

/**
 * Finds the highest rate the platform sustains: doubling from the starting rate until a run falls
 * short, then bisecting between the best rate that held and the first that did not, until the two
 * are within {@link #RESOLUTION} of each other or {@code stepsMax} runs were made. Each step is a
 * whole, fresh bench run (new database, new simulator), so steps do not inherit each other's
 * backlog or daily-cap state.
 *
 * <p>A rate is sustained when, over the window: text acknowledgement p99 stays under
 * {@link #ACK_P99_MS_MAX}; the load generator kept to its schedule (lag p99 under
 * {@link #SCHEDULE_LAG_P99_MS_MAX}, and the whole schedule sent before the window closed), because
 * an open-loop generator that cannot hand texts over is the platform pushing back. (The count sent
 * is not compared with rate x time: arrivals are a seeded Poisson schedule, whose realisation over
 * a short window can fall several per cent either side of the mean.)
 * in full mode, text to thank-you p99 stays under {@link #THANK_YOU_P99_MS_MAX} (charging keeps up,
 * not only intake); and every correctness check passed.
 */
final class RateSweep {

    static final double ACK_P99_MS_MAX = 50;
    static final double SCHEDULE_LAG_P99_MS_MAX = 50;
    /** How a traffic run ends when it sent its whole schedule in time (see TrafficRun#endReason). */
    static final String SCHEDULE_KEPT = "duration reached";
    static final double THANK_YOU_P99_MS_MAX = 2_000;
    public static final int STEPS_MAX_LIMIT = 20;
    /** Bisection stops when the bracket is this close (relative to the rate that held). */
    static final double RESOLUTION = 0.05;
    /** Rates are rounded to this many texts per second. */
    static final double RATE_GRAIN = 10;

    static final String CRITERION = "text acknowledgement p99 < " + (int) ACK_P99_MS_MAX + " ms; generator schedule lag p99 < "
            + (int) SCHEDULE_LAG_P99_MS_MAX + " ms and the whole schedule sent on time; in full mode text-to-thank-you p99 < "
            + (int) THANK_YOU_P99_MS_MAX + " ms; all checks pass";

    record Step(int step, double rate, boolean sustained, String verdict, RunResult run) {
    }

    record Result(List<Step> steps, double highestSustainedRate, String criterion) {
    }

    private RateSweep() {
    }

    static Result sweep(BenchSettings first, int stepsMax, Function<BenchSettings, RunResult> runner, PrintStream progress) {
        if (stepsMax < 1 || stepsMax > STEPS_MAX_LIMIT) {
            throw new IllegalArgumentException("--sweep-steps must be 1-" + STEPS_MAX_LIMIT + ", got " + stepsMax);
        }
        List<Step> steps = new ArrayList<>();
        double held = 0;
        double fell = Double.POSITIVE_INFINITY;
        double rate = first.ratePerSecond();
        while (steps.size() < stepsMax) {
            RunResult run = runner.apply(first.withRate(rate));
            String shortfall = shortfall(run);
            boolean sustained = shortfall == null;
            steps.add(new Step(steps.size() + 1, rate, sustained, sustained ? "sustained" : shortfall, run));
            progress.printf("Sweep step %d: %.0f texts/s %s%n", steps.size(), rate, sustained ? "sustained" : "not sustained: " + shortfall);
            if (sustained) {
                held = rate;
            } else {
                fell = rate;
            }
            Double next = next(held, fell);
            if (next == null) {
                break;
            }
            rate = next;
        }
        return new Result(steps, held, CRITERION);
    }

    /** The next rate to try, or null when the answer is found (or cannot be bettered). */
    static Double next(double held, double fell) {
        if (Double.isInfinite(fell)) {
            if (held >= TrafficPlan.RATE_PER_SECOND_MAX) {
                return null; // the generator's own limit held: nothing higher to try
            }
            return Math.min(TrafficPlan.RATE_PER_SECOND_MAX, held * 2);
        }
        if (fell - held <= Math.max(RATE_GRAIN, held * RESOLUTION)) {
            return null;
        }
        double middle = Math.round((held + fell) / 2 / RATE_GRAIN) * RATE_GRAIN;
        return middle <= held || middle >= fell ? null : middle;
    }

    /** Why a run does not count as sustained, or null when it does. */
    static String shortfall(RunResult run) {
        List<String> reasons = new ArrayList<>();
        if (!run.passed()) {
            reasons.add("a check failed");
        }
        if (run.latency().textAcknowledgement().count() == 0) {
            reasons.add("no text acknowledged");
        } else if (run.latency().textAcknowledgement().p99Ms() >= ACK_P99_MS_MAX) {
            reasons.add(String.format("ack p99 %.1f ms", run.latency().textAcknowledgement().p99Ms()));
        }
        if (run.latency().scheduleLag().p99Ms() >= SCHEDULE_LAG_P99_MS_MAX) {
            reasons.add(String.format("generator lag p99 %.1f ms", run.latency().scheduleLag().p99Ms()));
        }
        if (!SCHEDULE_KEPT.equals(run.traffic().generatorEndReason())) {
            reasons.add("generator did not finish its schedule on time (" + run.traffic().generatorEndReason() + ")");
        }
        if ("full".equals(run.mode()) && run.latency().textToThankYou().count() == 0) {
            reasons.add("no thank-you received");
        } else if ("full".equals(run.mode()) && run.latency().textToThankYou().p99Ms() >= THANK_YOU_P99_MS_MAX) {
            reasons.add(String.format("thank-you p99 %.0f ms", run.latency().textToThankYou().p99Ms()));
        }
        return reasons.isEmpty() ? null : String.join(", ", reasons);
    }
}
