package org.appealdesk.ledger;

/** Why a journal exists; totals count CHARGE and REFUND journals only. */
public enum JournalKind { CHARGE, PARTIAL_CHARGE, REFUND, ADJUSTMENT }
