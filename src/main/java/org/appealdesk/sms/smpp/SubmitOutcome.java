package org.appealdesk.sms.smpp;

import java.time.Duration;

/** What became of one submit_sm, each case reported to the outbox in exactly one way. */
sealed interface SubmitOutcome {

    /** ESME_ROK: {@code messageId} exactly as the SMSC gave it. */
    record Accepted(String messageId) implements SubmitOutcome {
    }

    /** ESME_RTHROTTLED or ESME_RMSGQFUL: the SMSC did not look at it; send again after {@code delay}. */
    record Throttled(int commandStatus, Duration delay) implements SubmitOutcome {
    }

    /** Any other error, or a message that cannot be sent as the contract requires. */
    record Refused(String errorCode, boolean permanent) implements SubmitOutcome {
    }

    /** It may have reached the SMSC and no usable answer came: UNKNOWN, never re-sent blindly. */
    record NoAnswer(String why) implements SubmitOutcome {
    }

    /** Certainly not written to any SMSC (no bound session): send again after {@code delay}. */
    record NotSent(String why, Duration delay) implements SubmitOutcome {
    }
}
