package org.appealdesk.settle;

/**
 * A refund booked for one charge part: the donor got back everything the part still held.
 *
 * @param fromSettledPence the share the network had already paid us (taken back from cash); the
 *                         rest was still owed by the network and is no longer
 */
public record Refund(long refundId, long donationId, long partId, Source source, long amountPence, FundSplit split, long fromSettledPence,
                     String journalKey) {

    /** Who gave the money back: the network (a settlement report said so) or staff (through the aggregator). */
    public enum Source { NETWORK, STAFF }

    public Refund {
        if (amountPence <= 0 || split.totalPence() != amountPence || fromSettledPence < 0 || fromSettledPence > amountPence) {
            throw new IllegalArgumentException("refund " + refundId + " of " + amountPence + " pence is inconsistent: split " + split
                    + ", " + fromSettledPence + " pence from settled money");
        }
    }
}
