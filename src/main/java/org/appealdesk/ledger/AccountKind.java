package org.appealdesk.ledger;

/**
 * RECEIVABLE: owed to us by a network or payment provider for charges it made.
 * FUND: held for the charity, one per restricted fund (what the totals show).
 * SUSPENSE: money that arrived but belongs to no gift (a part charged for a failed donation),
 * waiting for a refund or a staff decision.
 */
public enum AccountKind { RECEIVABLE, FUND, SUSPENSE, CASH, PAYABLE }
