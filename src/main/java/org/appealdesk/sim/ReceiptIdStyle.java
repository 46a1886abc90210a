package org.appealdesk.sim;

/**
 * How a receipt names the message it reports on, relative to the submit_sm_resp's message_id.
 * Real SMSCs disagree with themselves here (hex in the response, decimal in the receipt), which is
 * exactly what the ESME's {@code receiptIdFormat} setting exists for (docs/SMPP.md).
 */
public enum ReceiptIdStyle {
    /** The receipt carries the message id exactly as submit_sm_resp gave it. */
    SAME,
    /** submit_sm_resp gave hex; the receipt gives the same number in decimal. Needs {@link MessageIdStyle#HEX}. */
    DECIMAL_OF_HEX,
    /** submit_sm_resp gave decimal; the receipt gives the same number in upper-case hex. Needs {@link MessageIdStyle#DECIMAL}. */
    HEX_OF_DECIMAL;

    /** The id as this style prints it in the receipt text and the receipted_message_id TLV. */
    public String receiptId(String messageId) {
        return switch (this) {
            case SAME -> messageId;
            case DECIMAL_OF_HEX -> Long.toString(Long.parseLong(messageId, 16));
            case HEX_OF_DECIMAL -> Long.toHexString(Long.parseLong(messageId)).toUpperCase(java.util.Locale.ROOT);
        };
    }

    /** Whether this receipt style can describe ids written in {@code style}. */
    public boolean fits(MessageIdStyle style) {
        return switch (this) {
            case SAME -> true;
            case DECIMAL_OF_HEX -> style == MessageIdStyle.HEX;
            case HEX_OF_DECIMAL -> style == MessageIdStyle.DECIMAL;
        };
    }
}
