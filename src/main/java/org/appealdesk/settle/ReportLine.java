package org.appealdesk.settle;

import java.time.Instant;

/**
 * One well-formed line of a settlement report: one charge (a charge part, for a split gift) the
 * network paid us for, or refunded to the donor.
 *
 * @param requestId our charge request id (REQUESTID), when the report carries it
 * @param messageId the aggregator's message id, used when there is no request id
 */
public record ReportLine(long lineNo, String requestId, String messageId, PhoneEvidence phone, long amountPence, Instant chargedAt,
                         Status status) {

    /** What the network says happened to the charge. */
    public enum Status { CHARGED, REFUNDED }

    public ReportLine {
        if (lineNo < 1) {
            throw new IllegalArgumentException("line numbers start at 1, got " + lineNo);
        }
        if (requestId == null && messageId == null) {
            throw new IllegalArgumentException("line " + lineNo + " has neither a request id nor a message id");
        }
        if (amountPence <= 0 || amountPence > SettlementCsv.AMOUNT_PENCE_MAX) {
            throw new IllegalArgumentException("line " + lineNo + ": amount must be 1-" + SettlementCsv.AMOUNT_PENCE_MAX + " pence, got " + amountPence);
        }
        if (phone == null || chargedAt == null || status == null) {
            throw new IllegalArgumentException("line " + lineNo + " is missing its phone evidence, charge time or status");
        }
    }
}
