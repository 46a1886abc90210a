package org.appealdesk.sms.smpp;

/**
 * A message's state as a receipt reports it, from the {@code message_state} TLV or the text's
 * {@code stat:} word. Only final states settle a charge: ENROUTE and ACCEPTED say the message is
 * still on its way (SMSCs send them as intermediate notifications), so they are acknowledged and
 * not reported; reading them as declines would turn a charge that may yet succeed into a failure.
 * A word or value not listed here is not guessed at: the receipt is treated as unreadable.
 */
enum ReceiptState {
    ENROUTE(false),
    DELIVERED(true),
    EXPIRED(true),
    DELETED(true),
    UNDELIVERABLE(true),
    ACCEPTED(false),
    UNKNOWN(true),
    REJECTED(true);

    private final boolean isFinal;

    ReceiptState(boolean isFinal) {
        this.isFinal = isFinal;
    }

    boolean isFinal() {
        return isFinal;
    }

    /** The SMPP 3.4 {@code message_state} value (5.2.28), or null for one not listed. */
    static ReceiptState fromMessageState(int value) {
        return switch (value) {
            case 1 -> ENROUTE;
            case 2 -> DELIVERED;
            case 3 -> EXPIRED;
            case 4 -> DELETED;
            case 5 -> UNDELIVERABLE;
            case 6 -> ACCEPTED;
            case 7 -> UNKNOWN;
            case 8 -> REJECTED;
            default -> null;
        };
    }

    /** Appendix B's seven-letter words and the long spellings some SMSCs use; null otherwise. */
    static ReceiptState fromStat(String stat) {
        if (stat == null) {
            return null;
        }
        return switch (stat) {
            case "ENROUTE" -> ENROUTE;
            case "DELIVRD", "DELIVERED" -> DELIVERED;
            case "EXPIRED" -> EXPIRED;
            case "DELETED" -> DELETED;
            case "UNDELIV", "UNDELIVERABLE", "UNDELIVERED" -> UNDELIVERABLE;
            case "ACCEPTD", "ACCEPTED" -> ACCEPTED;
            case "UNKNOWN" -> UNKNOWN;
            case "REJECTD", "REJECTED" -> REJECTED;
            default -> null;
        };
    }
}
