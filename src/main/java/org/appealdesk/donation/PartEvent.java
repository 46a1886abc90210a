package org.appealdesk.donation;

/** What the network (or the janitor, for silence) said about one charge part. */
public sealed interface PartEvent {

    int partNo();

    /** The network accepted the billed message; its report is awaited. */
    record Submitted(int partNo) implements PartEvent {
    }

    /** The report says delivered: the donor was charged for this part. */
    record Charged(int partNo) implements PartEvent {
    }

    /** The report (or the submit response) says no. */
    record Declined(int partNo, String reason, boolean permanent) implements PartEvent {
    }

    /** No answer in time: the part becomes UNKNOWN. */
    record Unanswered(int partNo) implements PartEvent {
    }

    /** Still no report long after the charge's time to live: the network no longer bills it. */
    record Expired(int partNo) implements PartEvent {
    }
}
