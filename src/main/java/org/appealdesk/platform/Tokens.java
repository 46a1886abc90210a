package org.appealdesk.platform;

import java.security.SecureRandom;

/** Unguessable identifiers for links sent to donors and for charge request ids. */
public final class Tokens {

    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Bytes at or above this are skipped, so each character is uniform over the 62 (248 = 4 x 62). */
    private static final int UNBIASED_BYTE_LIMIT = 256 - 256 % ALPHABET.length;
    private static final SecureRandom RANDOM = Randomness.strong();

    private Tokens() {
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
