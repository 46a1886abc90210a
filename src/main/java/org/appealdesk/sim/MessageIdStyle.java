package org.appealdesk.sim;

/** How the simulated SMSC writes the message_id of a submit_sm_resp. */
public enum MessageIdStyle {
    /** Ten upper-case hex digits without leading zeros, e.g. "1A2B3C4D5E". */
    HEX,
    /** Twelve decimal digits without leading zeros, e.g. "482193771042". */
    DECIMAL
}
