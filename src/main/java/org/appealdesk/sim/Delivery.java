package org.appealdesk.sim;

import java.time.Instant;
import org.appealdesk.platform.PhoneNumber;

/**
 * Something the SMSC must deliver to the ESME with deliver_sm and see acknowledged: a donor's
 * text (MO) or a delivery receipt. Each attempt is a new value with {@code attempt} one higher,
 * so nothing is mutated while it sits in queues shared by threads.
 */
sealed interface Delivery {

    int attempt();

    Delivery nextAttempt();

    /**
     * A donor's text. {@code duplicate} marks the network's redelivery of a text the ESME already
     * acknowledged (same moId): it must change nothing at the ESME and is not a new gift.
     */
    record Mo(TextMessage text, boolean duplicate, int attempt, TrafficRun run) implements Delivery {
        @Override
        public Mo nextAttempt() {
            return new Mo(text, duplicate, attempt + 1, run);
        }
    }

    /**
     * A delivery receipt for a submitted message. {@code from} is the submit's source_addr (the
     * receipt goes back "to" it); {@code duplicate} marks the second copy of a receipt;
     * {@code drawKey} (the charge's request id) keys its seeded draws, as message ids vary by salt.
     */
    record Receipt(String receiptId, PhoneNumber donor, String network, String from, ChargeOutcome outcome,
                   Instant submittedAt, String originalText, String drawKey, boolean duplicate, int attempt) implements Delivery {
        @Override
        public Receipt nextAttempt() {
            return new Receipt(receiptId, donor, network, from, outcome, submittedAt, originalText, drawKey, duplicate, attempt + 1);
        }

        Receipt asDuplicate() {
            return new Receipt(receiptId, donor, network, from, outcome, submittedAt, originalText, drawKey, true, 0);
        }
    }
}
