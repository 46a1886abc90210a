package org.appealdesk.donation;

import org.appealdesk.platform.Money;

/** One billed message of a donation; most donations have one, split networks several. */
public record ChargePart(int partNo, Money amount, PartState state, String reason, boolean permanent) {
    public ChargePart {
        if (partNo < 1 || !amount.isPositive()) {
            throw new IllegalArgumentException("part " + partNo + " of " + amount + " is not a valid charge part");
        }
    }

    public static ChargePart pending(int partNo, Money amount) {
        return new ChargePart(partNo, amount, PartState.PENDING, null, false);
    }

    ChargePart moveTo(PartState next, String nextReason, boolean nextPermanent) {
        return new ChargePart(partNo, amount, next, nextReason, nextPermanent);
    }
}
