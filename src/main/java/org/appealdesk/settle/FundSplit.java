package org.appealdesk.settle;

/**
 * How an amount of one charge part divides between the appeal's designated fund, its overflow fund
 * and suspense (the whole of a part charged for a failed donation is suspense).
 *
 * <p>A donation's CHARGE journal splits the gift between the two funds; a split gift's parts take
 * the designated money first, in part order ({@link #ofPart}). Any share of a part (what a network
 * paid of it, what is written off) again takes designated money first ({@link #firstPence}), so
 * every amount has exactly one split and SQL can recompute it.
 */
public record FundSplit(long designatedPence, long overflowPence, long suspensePence) {

    public static final FundSplit ZERO = new FundSplit(0, 0, 0);

    public FundSplit {
        if (designatedPence < 0 || overflowPence < 0 || suspensePence < 0) {
            throw new IllegalArgumentException("fund split cannot be negative: " + designatedPence + "/" + overflowPence + "/" + suspensePence);
        }
    }

    public long totalPence() {
        return Math.addExact(Math.addExact(designatedPence, overflowPence), suspensePence);
    }

    /**
     * The split of part {@code partAmount} of a donation whose charge put {@code donationDesignated}
     * pence in the designated fund, when its earlier parts came to {@code earlierPartsPence}.
     */
    public static FundSplit ofPart(long partAmount, long earlierPartsPence, long donationDesignated) {
        long designated = Math.max(0, Math.min(partAmount, donationDesignated - earlierPartsPence));
        return new FundSplit(designated, partAmount - designated, 0);
    }

    /** The whole part in suspense: a part charged for a donation that failed. */
    public static FundSplit suspense(long partAmount) {
        return new FundSplit(0, 0, partAmount);
    }

    /** The first {@code pence} of this split, designated money first, then overflow, then suspense. */
    public FundSplit firstPence(long pence) {
        if (pence < 0 || pence > totalPence()) {
            throw new IllegalArgumentException("cannot take " + pence + " pence of a split of " + totalPence());
        }
        long designated = Math.min(pence, designatedPence);
        long overflow = Math.min(pence - designated, overflowPence);
        return new FundSplit(designated, overflow, pence - designated - overflow);
    }

    public FundSplit minus(FundSplit other) {
        return new FundSplit(designatedPence - other.designatedPence, overflowPence - other.overflowPence, suspensePence - other.suspensePence);
    }

    public FundSplit plus(FundSplit other) {
        return new FundSplit(Math.addExact(designatedPence, other.designatedPence), Math.addExact(overflowPence, other.overflowPence),
                Math.addExact(suspensePence, other.suspensePence));
    }
}
