package org.appealdesk.donation;

/**
 * The donation lifecycle as a closed set of records. FAILED (the network said no) and UNKNOWN
 * (no answer) are different states: UNKNOWN is never counted and never charged again blindly.
 */
public sealed interface DonationState {

    /** Never sent for charging: over the daily cap or the per-text maximum. Final. */
    record Rejected(String reason) implements DonationState {
    }

    /** Charge parts are out; not every report is in. */
    record Charging() implements DonationState {
    }

    /** Every part was charged. Final; booked in the ledger once. */
    record Charged() implements DonationState {
    }

    /** A part was declined; the donation is not charged. Final (a part charged anyway is booked to suspense for refund). */
    record Failed(String reason, boolean permanent) implements DonationState {
    }

    /** No answer for at least one part and nothing else pending: resolved later by a report or expiry. */
    record Unknown() implements DonationState {
    }

    /** The value stored in donation.state. */
    static String code(DonationState state) {
        return switch (state) {
            case Rejected r -> "REJECTED";
            case Charging c -> "CHARGING";
            case Charged c -> "CHARGED";
            case Failed f -> "FAILED";
            case Unknown u -> "UNKNOWN";
        };
    }

    static DonationState fromRow(String code, String reason, Boolean permanent) {
        return switch (code) {
            case "REJECTED" -> new Rejected(reason);
            case "CHARGING" -> new Charging();
            case "CHARGED" -> new Charged();
            case "FAILED" -> new Failed(reason, Boolean.TRUE.equals(permanent));
            case "UNKNOWN" -> new Unknown();
            default -> throw new IllegalStateException("donation.state holds unknown value " + code);
        };
    }
}
