package org.appealdesk.platform;

import java.security.SecureRandom;

/** Unguessable identifiers for links sent to donors and for charge request ids. */
public final class Tokens {

    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    /** {@code length} base-62 characters; 12 give about 71 bits, plenty for a Gift Aid link. */
    public static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
