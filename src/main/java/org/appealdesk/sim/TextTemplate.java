package org.appealdesk.sim;

/**
 * One way a donor writes a text, with what it should cost them. {@code expectedPence} is the
 * ground truth the ledger counts as "texted": positive exactly for donations, 0 for every text that
 * must never be charged (wrong keyword, amount not offered, HELP, STOP).
 *
 * @param body          what the donor typed, e.g. "SUN£5 " with its stray space
 * @param dataCoding    how the phone encoded it
 * @param expectedPence the gift in pence, or 0
 * @param intent        what the donor meant
 */
public record TextTemplate(String body, TextCoding dataCoding, long expectedPence, TextIntent intent) {

    /** Long enough for message_payload (over 254 bytes) to be exercised, short of absurd. */
    public static final int BODY_LENGTH_MAX = 1_000;

    public TextTemplate {
        if (body == null || body.isEmpty() || body.length() > BODY_LENGTH_MAX) {
            throw new IllegalArgumentException("text body must be 1-" + BODY_LENGTH_MAX + " characters, got " + (body == null ? "none" : body.length()));
        }
        if (dataCoding == null || intent == null) {
            throw new IllegalArgumentException("dataCoding and intent are required for '" + body + "'");
        }
        if (!dataCoding.canEncode(body)) {
            throw new IllegalArgumentException("'" + body + "' cannot be written in " + dataCoding);
        }
        if (expectedPence < 0 || expectedPence > SimSettings.PRICE_PENCE_MAX) {
            throw new IllegalArgumentException("expectedPence must be 0-" + SimSettings.PRICE_PENCE_MAX + ", got " + expectedPence + " for '" + body + "'");
        }
        if (intent.isDonation() != (expectedPence > 0)) {
            throw new IllegalArgumentException("'" + body + "' is " + intent + " but expects " + expectedPence + " pence: donations cost something, nothing else does");
        }
    }

    /** A donation (pence &gt; 0) or, with 0 pence, a text that must not be charged. */
    public TextTemplate(String body, TextCoding dataCoding, long expectedPence) {
        this(body, dataCoding, expectedPence, expectedPence > 0 ? TextIntent.DONATE : TextIntent.OTHER_FREE);
    }

    public static TextTemplate gsm(String body, long expectedPence) {
        return new TextTemplate(body, TextCoding.GSM_7BIT, expectedPence);
    }

    /** The bytes a phone would send. */
    public byte[] encoded() {
        return dataCoding.encode(body);
    }
}
