package org.appealdesk.donation;

import java.time.Duration;
import org.appealdesk.sms.ChargeReport;

/**
 * Everything that moves a message or a charge part after intake, from the network or from the
 * janitor noticing silence. All of them pass through the charge events' group committers, so a
 * part's changes are applied one at a time, whatever their source: under its donation's row lock,
 * and a message's acceptance and reports in arrival order by one writer
 * ({@link ChargeEventService#writerOf}). Other events of one donation or outbox row may meet in
 * several writers; then the first to commit goes first, as the first to arrive does with one
 * writer (for one outbox row, that answer wins and the other changes nothing).
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
