package org.appealdesk.sms;

import java.time.Instant;

/**
 * A network's word on a message sent earlier (an SMPP delivery receipt, an HTTP charge report),
 * keyed by the id the network gave the message when it accepted it.
 */
public sealed interface ChargeReport {

    String networkMessageId();

    Instant reportedAt();

    /** Delivered: for a billed message, the donor was charged. */
    record Delivered(String networkMessageId, Instant reportedAt) implements ChargeReport {
    }

    /**
     * Not delivered: for a billed message, nothing was charged.
     *
     * @param reason    Fonix-style status such as INSUFFICIENT_FUNDS or PERMANENTLY_BARRED
     * @param permanent true when retrying cannot help (never retry a permanent decline)
     */
    record Declined(String networkMessageId, Instant reportedAt, String reason, boolean permanent) implements ChargeReport {
    }
}
