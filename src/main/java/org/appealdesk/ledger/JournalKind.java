package org.appealdesk.ledger;

/** Why a journal exists; totals count CHARGE and REFUND journals only. */
public enum JournalKind {
    CHARGE, PARTIAL_CHARGE, REFUND, ADJUSTMENT,
    /** A network paid for charges: receivable to cash, and the charity's money from fund to payable. */
    SETTLEMENT,
    /** Settled money of a refunded part taken back from payable (or recoverable from the charity) into the fund it is refunded from. */
    SETTLEMENT_REVERSAL,
    /** Two-phase payout to the charity: reserved from payable, then paid from cash or released back. */
    PAYOUT_RESERVE, PAYOUT_PAID, PAYOUT_RELEASE
}
