package org.appealdesk.sim;

/** How the simulated SMSC writes the message_id of a submit_sm_resp. */
public enum MessageIdStyle {
    /** Ten upper-case hex digits without leading zeros, e.g. "1A2B3C4D5E". */
    HEX,
    /** Twelve decimal digits without leading zeros, e.g. "482193771042". */
    DECIMAL,
    /**
     * 36 characters in a UUID's 8-4-4-4-12 form, lower-case hex, e.g.
     * "9f1c2ab4-07d3-4e51-b8a0-3c6d2e9f7a14": random-looking, as from an aggregator that keys
     * messages by UUID. Why: each new id then lands at a random place in the platform's indexes on
     * message ids, where the counters above land at their ends; a bench can measure what that costs.
     * Not a valid version-4 UUID (no version or variant bits), which nothing here reads.
     */
    UUID
}
