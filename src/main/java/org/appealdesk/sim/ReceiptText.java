package org.appealdesk.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The short_message of a delivery receipt in SMPP 3.4 Appendix B form:
 * {@code id:IIIIIIIIII sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:...}
 */
final class ReceiptText {

    /** Appendix B quotes the first 20 characters of the original message. */
    static final int TEXT_LENGTH_MAX = 20;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyMMddHHmm").withZone(ZoneOffset.UTC);

    private ReceiptText() {
    }

    static String format(String receiptId, ChargeOutcome outcome, Instant submittedAt, Instant doneAt, String originalText) {
        if (outcome.kind() != ChargeOutcome.Kind.RECEIPTED) {
            throw new IllegalArgumentException(outcome + " has no receipt");
        }
        return "id:" + receiptId
                + " sub:001 dlvrd:" + (outcome == ChargeOutcome.DELIVERED ? "001" : "000")
                + " submit date:" + DATE.format(submittedAt)
                + " done date:" + DATE.format(doneAt)
                + " stat:" + outcome.stat()
                + " err:" + String.format("%03d", outcome.errorCode())
                + " text:" + quoted(originalText);
    }

    /**
     * Keeps letters, digits, spaces and plain punctuation only: the receipt travels as GSM
     * (data_coding 0), where these coincide with ASCII, and a ':' in it could confuse key:value
     * parsers.
     */
    static String quoted(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(TEXT_LENGTH_MAX);
        for (int i = 0; i < text.length() && out.length() < TEXT_LENGTH_MAX; i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || " .,!?'-".indexOf(c) >= 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
