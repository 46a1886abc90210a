package org.appealdesk.sim;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The probability of each {@link ChargeOutcome} for a billed submit_sm attempt. The probabilities
 * must sum to 1 (within {@link #SUM_TOLERANCE}); a mix that does not is refused at construction,
 * because a silently renormalised mix would make a run mean something other than what was asked.
 *
 * <p>Outcomes are drawn per request id and attempt from the seed, not from a shared random stream,
 * so a charge's outcome does not depend on the order in which concurrent submits arrive.
 */
public record FailureMix(Map<ChargeOutcome, Double> probabilities) {

    static final double SUM_TOLERANCE = 1e-6;

    public FailureMix {
        if (probabilities == null) {
            throw new IllegalArgumentException("failure mix probabilities are required");
        }
        EnumMap<ChargeOutcome, Double> copy = new EnumMap<>(ChargeOutcome.class);
        double sum = 0;
        for (ChargeOutcome outcome : ChargeOutcome.values()) {
            Double p = probabilities.get(outcome);
            double value = p == null ? 0.0 : p;
            if (!(value >= 0.0 && value <= 1.0)) {
                throw new IllegalArgumentException("probability of " + outcome + " must be in [0, 1], got " + value);
            }
            copy.put(outcome, value);
            sum += value;
        }
        if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("failure mix probabilities must sum to 1, got " + sum + " from " + copy);
        }
        probabilities = Collections.unmodifiableMap(copy);
    }

    /** Every billed submit is delivered and billed. */
    public static FailureMix allDelivered() {
        return only(ChargeOutcome.DELIVERED);
    }

    /** Every billed submit ends with {@code outcome}; for tests that need one behaviour for sure. */
    public static FailureMix only(ChargeOutcome outcome) {
        return new FailureMix(Map.of(outcome, 1.0));
    }

    /**
     * A realistic mix: 85% delivered, pay-as-you-go without credit the commonest decline, a few
     * bars and spend limits, 1% never receipted, and half a percent each refused and unanswered.
     */
    public static FailureMix realistic() {
        EnumMap<ChargeOutcome, Double> p = new EnumMap<>(ChargeOutcome.class);
        p.put(ChargeOutcome.DELIVERED, 0.85);
        p.put(ChargeOutcome.INSUFFICIENT_FUNDS, 0.05);
        p.put(ChargeOutcome.INVALID_MSISDN, 0.005);
        p.put(ChargeOutcome.PERMANENTLY_BARRED, 0.015);
        p.put(ChargeOutcome.TEMPORARY_BARRED, 0.02);
        p.put(ChargeOutcome.MAX_SPEND_MSISDN, 0.02);
        p.put(ChargeOutcome.OPERATOR_REJECTED, 0.005);
        p.put(ChargeOutcome.OPERATOR_TIMEOUT, 0.005);
        p.put(ChargeOutcome.SECTOR_NOT_ALLOWED, 0.005);
        p.put(ChargeOutcome.UNKNOWN_MSISDN, 0.0025);
        p.put(ChargeOutcome.UNREACHABLE_MSISDN, 0.0025);
        p.put(ChargeOutcome.NO_RECEIPT, 0.01);
        p.put(ChargeOutcome.SUBMIT_REFUSED, 0.005);
        p.put(ChargeOutcome.NO_SUBMIT_RESPONSE, 0.005);
        return new FailureMix(p);
    }

    /**
     * This mix with {@code outcome} at {@code probability}, the difference taken from (or given
     * to) DELIVERED: {@code allDelivered().with(INSUFFICIENT_FUNDS, 0.5)} declines half.
     */
    public FailureMix with(ChargeOutcome outcome, double probability) {
        if (outcome == ChargeOutcome.DELIVERED) {
            throw new IllegalArgumentException("set the other outcomes; DELIVERED takes what is left");
        }
        EnumMap<ChargeOutcome, Double> p = new EnumMap<>(probabilities);
        double delivered = p.get(ChargeOutcome.DELIVERED) - (probability - p.get(outcome));
        if (delivered < -SUM_TOLERANCE) {
            throw new IllegalArgumentException("not enough DELIVERED probability left to give " + outcome + " " + probability + " in " + p);
        }
        p.put(outcome, probability);
        p.put(ChargeOutcome.DELIVERED, Math.max(0.0, delivered));
        return new FailureMix(p);
    }

    public double probability(ChargeOutcome outcome) {
        return probabilities.get(outcome);
    }

    /** The outcome at {@code unit} (a uniform draw in [0, 1)) on the cumulative distribution. */
    ChargeOutcome pick(double unit) {
        double cumulative = 0;
        ChargeOutcome last = ChargeOutcome.DELIVERED;
        for (ChargeOutcome outcome : ChargeOutcome.values()) {
            double p = probabilities.get(outcome);
            if (p <= 0) {
                continue;
            }
            cumulative += p;
            last = outcome;
            if (unit < cumulative) {
                return outcome;
            }
        }
        // Rounding can leave the sum a hair under 1: the last possible outcome takes the remainder.
        return last;
    }
}
