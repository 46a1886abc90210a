package org.appealdesk.sim;

import org.appealdesk.platform.PhoneNumber;

/**
 * A phone number in one long, for the simulator's per-charge records: its digits as a number in
 * the low 52 bits and how many there were above them, so leading zeros survive. E.164 allows 15
 * digits, under 2^50. A {@link PhoneNumber} with its string is about 70 bytes; the simulator keeps
 * one a charge for the whole run.
 */
final class PackedPhone {

    private static final int LENGTH_SHIFT = 52;
    private static final long DIGITS_MASK = (1L << LENGTH_SHIFT) - 1;

    private PackedPhone() {
    }

    static long pack(PhoneNumber number) {
        String digits = number.digits();
        return Long.parseLong(digits) | ((long) digits.length() << LENGTH_SHIFT);
    }

    static PhoneNumber unpack(long packed) {
        int length = (int) (packed >>> LENGTH_SHIFT);
        String digits = Long.toString(packed & DIGITS_MASK);
        return new PhoneNumber("0".repeat(length - digits.length()) + digits);
    }
}
