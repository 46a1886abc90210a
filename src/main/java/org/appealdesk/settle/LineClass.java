package org.appealdesk.settle;

/**
 * The one class each line of a settlement report (and each charge of ours missing from the
 * reports) is put in. Only MATCHED and REFUNDED move money by themselves; the others wait for a
 * staff decision ({@code settle resolve}).
 */
public enum LineClass {
    /** The network paid for a charge of ours, for the amount we charged. */
    MATCHED("matched"),
    /** Charged here, on the network and in the month of a report, but in no report yet. */
    MISSING("charged here, missing from the report"),
    /** In the report, but no charge of ours is booked for it. */
    UNKNOWN_HERE("in the report, unknown here"),
    /** A charge of ours, but the amount differs from what we expect (a duplicate line expects nothing). */
    AMOUNT_MISMATCH("amount mismatch"),
    /** The network refunded the donor. */
    REFUNDED("refunded by the network");

    private final String description;

    LineClass(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** True for the classes that wait for a staff decision. */
    public boolean needsDecision() {
        return switch (this) {
            case MATCHED, REFUNDED -> false;
            case MISSING, UNKNOWN_HERE, AMOUNT_MISMATCH -> true;
        };
    }
}
