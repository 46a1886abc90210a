package org.appealdesk.sms.smpp;

import java.math.BigInteger;
import java.util.Locale;

/**
 * How the message id in a delivery receipt relates to the one submit_sm_resp gave (docs/SMPP.md,
 * "Receipts"). Many SMSCs answer submit_sm in hex and write receipts in decimal, or the other way
 * round; the adapter converts the receipt's id back into the submit form so that the core can find
 * the charge by the id it stored with {@code Outbox.accepted}.
 *
 * <p>The submit form is described by two settings, because the adapter keeps the accepted id exactly
 * as the SMSC gave it: {@code messageIdWidth} (zero-padded to this many digits, 0 = no padding) and
 * {@code messageIdUpperCase} (hex letters A-F rather than a-f). The defaults (no padding, lower case)
 * match jSMPP's own id generator. An id that is not a number in the expected base is passed on
 * unchanged: the core stores reports it cannot match and never guesses.
 */
public enum ReceiptIdFormat {
    /** The receipt carries the id as submit_sm_resp gave it. */
    SAME,
    /** submit_sm_resp gave hex; the receipt gives the same number in decimal. */
    DECIMAL_OF_HEX,
    /** submit_sm_resp gave decimal; the receipt gives the same number in hex. */
    HEX_OF_DECIMAL;

    /** Longest id converted; SMPP message ids are at most 64 characters. */
    static final int ID_LENGTH_MAX = 64;

    /** The receipt's {@code receiptId} in the form submit_sm_resp used. */
    String toSubmitForm(String receiptId, int width, boolean upperCase) {
        return switch (this) {
            case SAME -> receiptId;
            case DECIMAL_OF_HEX -> convert(receiptId, 10, 16, width, upperCase);
            case HEX_OF_DECIMAL -> convert(receiptId, 16, 10, width, upperCase);
        };
    }

    private static String convert(String id, int fromRadix, int toRadix, int width, boolean upperCase) {
        if (id.isEmpty() || id.length() > ID_LENGTH_MAX || !isNumber(id, fromRadix)) {
            return id;
        }
        String converted = new BigInteger(id, fromRadix).toString(toRadix);
        if (upperCase) {
            converted = converted.toUpperCase(Locale.ROOT);
        }
        return converted.length() >= width ? converted : "0".repeat(width - converted.length()) + converted;
    }

    private static boolean isNumber(String id, int radix) {
        for (int index = 0; index < id.length(); index++) {
            char c = id.charAt(index);
            if (c > 0x7F || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }
}
