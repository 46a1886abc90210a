package org.appealdesk.platform;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.OptionalLong;

/** Unguessable identifiers for links sent to donors and for charge request ids. */
public final class Tokens {

    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Bytes at or above this are skipped, so each character is uniform over the 62 (248 = 4 x 62). */
    private static final int UNBIASED_BYTE_LIMIT = 256 - 256 % ALPHABET.length;
    private static final SecureRandom RANDOM = Randomness.strong();

    private Tokens() {
    }

    /** Random characters after the id in a {@link #keyed} token: about 71 bits, unguessable. */
    public static final int KEYED_SECRET_LENGTH = 12;
    /** Base-62 digits of the largest long. */
    private static final int KEY_DIGITS_MAX = 11;
    /** Each ASCII character's value in {@link #ALPHABET}, -1 for none: the inverse, derived so the two cannot disagree. */
    private static final int[] DIGIT_VALUES = digitValues();

    /**
     * A link token that names its row: the id in base 62, then {@link #KEYED_SECRET_LENGTH} random
     * characters. The row is found by its primary key, so the token needs no index of its own: a
     * unique index on random keys cost about 22 µs of PostgreSQL a donation, its insert and its
     * update each writing a random page (BENCHMARKS.md, "Random keys out of the indexes"). Unique because
     * the id is; unguessable because of the random part alone (the id is no secret).
     */
    public static String keyed(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("a keyed token needs an id of 0 or more, got " + id);
        }
        StringBuilder token = new StringBuilder(KEY_DIGITS_MAX + KEYED_SECRET_LENGTH);
        long rest = id;
        do {
            token.append(ALPHABET[(int) (rest % ALPHABET.length)]);
            rest /= ALPHABET.length;
        } while (rest > 0);
        return token.reverse().append(random(KEYED_SECRET_LENGTH)).toString();
    }

    /**
     * The id a {@link #keyed} token names; empty when the token cannot be one (too short or long, a
     * character outside base 62, an id beyond a long). Whether its random part is right is for the
     * caller to check against the stored token.
     */
    public static OptionalLong keyOf(String token) {
        int digits = token == null ? 0 : token.length() - KEYED_SECRET_LENGTH;
        if (digits < 1 || digits > KEY_DIGITS_MAX || !token.chars().allMatch(c -> digitOf((char) c) >= 0)) {
            return OptionalLong.empty();
        }
        long id = 0;
        try {
            for (int i = 0; i < digits; i++) {
                id = Math.addExact(Math.multiplyExact(id, ALPHABET.length), digitOf(token.charAt(i)));
            }
        } catch (ArithmeticException beyondALong) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(id);
    }

    private static int digitOf(char c) {
        return c < DIGIT_VALUES.length ? DIGIT_VALUES[c] : -1;
    }

    private static int[] digitValues() {
        int[] values = new int[128];
        Arrays.fill(values, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            values[ALPHABET[i]] = i;
        }
        return values;
    }

    /**
     * {@code length} base-62 characters; 12 give about 71 bits, plenty for a Gift Aid link. The
     * random bytes are drawn in one call: a nextInt per character cost a read of /dev/urandom each
     * with the default generator (10% of the intake writer's CPU in a profile).
     */
    public static String random(int length) {
        char[] chars = new char[length];
        byte[] bytes = new byte[length + length / 2 + 4];
        int filled = 0;
        while (filled < length) {
            RANDOM.nextBytes(bytes);
            for (int i = 0; i < bytes.length && filled < length; i++) {
                int value = bytes[i] & 0xFF;
                if (value < UNBIASED_BYTE_LIMIT) {
                    chars[filled++] = ALPHABET[value % ALPHABET.length];
                }
            }
        }
        return new String(chars);
    }
}
