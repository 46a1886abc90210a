package org.appealdesk.sim;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids for submit_sm_resp, and MO ids for the moId TLV, drawn from (seed, salt): unique
 * within a simulator, the same again for the same seed and a fixed salt, fresh for a fresh salt.
 * No seeded decision is keyed on these ids, so a fresh salt changes ids and nothing else.
 *
 * <p>Hex ids are ten upper-case digits with no leading zero, decimal ids twelve digits; each base
 * leaves billions of ids of headroom, so the width never changes mid-run (an ESME converting
 * between hex and decimal has no leading zeros to lose). UUID-shaped ids are the same counter
 * scrambled ({@link #uuidShaped}).
 */
final class MessageIds {

    private static final long HEX_FIRST = 0x10_0000_0000L;
    private static final long HEX_BASE_SPAN = 0x70_0000_0000L;
    private static final long DECIMAL_FIRST = 100_000_000_000L;
    private static final long DECIMAL_BASE_SPAN = 400_000_000_000L;

    private final MessageIdStyle style;
    private final ReceiptIdStyle receiptStyle;
    private final AtomicLong nextMessage;
    private final String moPrefix;

    /** @param salt the resolved id salt: never {@link SimSettings#ID_SALT_FRESH} */
    MessageIds(SimSettings settings, long salt) {
        this.style = settings.messageIdStyle();
        this.receiptStyle = settings.receiptIdStyle();
        double unit = Draws.unit(settings.seed() ^ salt, Draws.IDS, salt);
        long base = switch (style) {
            case HEX, UUID -> HEX_FIRST + Draws.below(unit, HEX_BASE_SPAN);
            case DECIMAL -> DECIMAL_FIRST + Draws.below(unit, DECIMAL_BASE_SPAN);
        };
        this.nextMessage = new AtomicLong(base);
        long tag = Draws.mix(settings.seed() * 31 + salt) & 0xFFFF_FFFFL;
        this.moPrefix = "MO" + String.format(Locale.ROOT, "%08X", tag) + "-";
    }

    String nextMessageId() {
        return messageId(nextMessageNumber());
    }

    /** The next message id as its number: what the charge records keep, at 8 bytes instead of a string's 50 or so. */
    long nextMessageNumber() {
        return nextMessage.getAndIncrement();
    }

    /** The message id of a number from {@link #nextMessageNumber()}. */
    String messageId(long value) {
        return switch (style) {
            case HEX -> Long.toHexString(value).toUpperCase(Locale.ROOT);
            case DECIMAL -> Long.toString(value);
            case UUID -> uuidShaped(value);
        };
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    // Where the UUID form puts its hyphens, counted in hex digits written before each.
    private static final int[] HYPHEN_AFTER = {8, 12, 16, 20};
    // Any fixed odd-looking constant: the low half must not repeat the high half.
    private static final long LOW_HALF_SALT = 0x6A09E667F3BCC909L;

    /**
     * A counter as 128 random-looking bits in the UUID form. The high half is a bijective mix of the
     * counter, so distinct counters never give the same id; the low half only adds width.
     */
    static String uuidShaped(long value) {
        long high = Draws.mix(value);
        long low = Draws.mix(value ^ LOW_HALF_SALT);
        char[] id = new char[36];
        int at = 0;
        int hyphen = 0;
        for (int digit = 0; digit < 32; digit++) {
            if (hyphen < HYPHEN_AFTER.length && digit == HYPHEN_AFTER[hyphen]) {
                id[at++] = '-';
                hyphen++;
            }
            long half = digit < 16 ? high : low;
            id[at++] = HEX_DIGITS[(int) (half >>> (60 - 4 * (digit % 16))) & 0xF];
        }
        return new String(id);
    }

    String receiptIdOf(String messageId) {
        return receiptStyle.receiptId(messageId);
    }

    /**
     * "MO1A2B3C4D-0-42": the aggregator's id for text 42 of run 0. A function of run and sequence,
     * so concurrent runs cannot make the ids depend on thread timing.
     */
    String moId(int run, long sequence) {
        return moPrefix + run + "-" + sequence;
    }
}
