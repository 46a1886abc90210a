package org.appealdesk.donation;

import java.time.Duration;
import org.appealdesk.sms.ChargeReport;

/**
 * Everything that moves a message or a charge part after intake, from the network or from the
 * janitor noticing silence. All of them pass through one group committer, so a part's changes
 * are applied one at a time in arrival order, whatever their source.
 */
sealed interface ChargeEvent {

    record Accepted(long outboxId, String networkMessageId) implements ChargeEvent {
    }

    record Refused(long outboxId, String errorCode, boolean permanent) implements ChargeEvent {
    }

    record NoAnswer(long outboxId) implements ChargeEvent {
    }

    record RetryLater(long outboxId, Duration delay) implements ChargeEvent {
    }

    record Reported(ChargeReport report) implements ChargeEvent {
    }

    /** Janitor: the network accepted the part long ago and no report came. */
    record ReportOverdue(long partId) implements ChargeEvent {
    }

    /** Janitor: an UNKNOWN part outlived the charge's time to live. */
    record UnknownExpired(long partId) implements ChargeEvent {
    }

    /** A payment provider's verified outcome for a card gift's part, found by its request id. */
    record ProviderOutcome(String requestId, boolean succeeded, String reason, boolean permanent) implements ChargeEvent {
    }

    /** Janitor: a message was claimed for sending and never reported back (the sender died). */
    record ClaimAbandoned(long outboxId) implements ChargeEvent {
    }
}
