package org.appealdesk.settle;

import java.util.HexFormat;

/**
 * What a settlement line says about the donor's phone number. We keep only our keyed hash (when
 * the aggregator carries it back to us) or a masked form: a full number in a report is masked as
 * it is read and never stored or logged (UK GDPR; DOMAIN.md).
 */
public sealed interface PhoneEvidence {

    /** Longest masked form kept. */
    int MASKED_CHARS_MAX = 20;
    /** Digits of a full number left visible when we mask it: enough for staff to tell lines apart. */
    int VISIBLE_TAIL_DIGITS = 3;
    /** Shortest and longest number (digits and mask characters) accepted: E.164 has at most 15 digits, plus a prefix. */
    int NUMBER_CHARS_MIN = 6;
    int NUMBER_CHARS_MAX = 19;

    /** Our HMAC-SHA-256 of the number ({@code PhoneVault.hash}), compared with the donor's. */
    record Hashed(byte[] hash) implements PhoneEvidence {
        public Hashed {
            if (hash == null || hash.length != 32) {
                throw new IllegalArgumentException("a phone hash is 32 bytes");
            }
            hash = hash.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }
    }

    /**
     * A masked number such as "447700900***" or "07700 9xx 123".
     *
     * @param maskedHere true when the report carried the full number and we masked it
     */
    record Masked(String masked, boolean maskedHere) implements PhoneEvidence {
        public Masked {
            if (masked == null || masked.isEmpty() || masked.length() > MASKED_CHARS_MAX || masked.chars().noneMatch(c -> c == '*')) {
                throw new IllegalArgumentException("a masked number has 1-" + MASKED_CHARS_MAX + " characters and at least one '*'");
            }
        }
    }

    /** The line carried nothing about the number. */
    record Absent() implements PhoneEvidence {
    }

    /**
     * Reads the phone column: 64 hex digits are our hash; digits with mask characters ('*', 'x',
     * 'X', '#') are a masked number; a full number is masked here.
     *
     * @throws IllegalArgumentException for anything else; the message never repeats the text
     */
    static PhoneEvidence parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            return new Absent();
        }
        if (value.length() == 64 && value.chars().allMatch(PhoneEvidence::isHexDigit)) {
            return new Hashed(HexFormat.of().parseHex(value));
        }
        StringBuilder kept = new StringBuilder(value.length());
        int digits = 0;
        int masks = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                kept.append(c);
                digits++;
            } else if (c == '*' || c == 'x' || c == 'X' || c == '#') {
                kept.append('*');
                masks++;
            } else if (!(c == ' ' || c == '+' || c == '-' || (c == '(' || c == ')'))) {
                throw new IllegalArgumentException("phone must be our 64-hex-digit hash or a masked number");
            }
        }
        if (digits + masks < NUMBER_CHARS_MIN || digits + masks > NUMBER_CHARS_MAX) {
            throw new IllegalArgumentException("phone must be our 64-hex-digit hash or a masked number");
        }
        if (masks > 0) {
            return new Masked(kept.length() > MASKED_CHARS_MAX ? kept.substring(0, MASKED_CHARS_MAX) : kept.toString(), false);
        }
        return new Masked(mask(kept.toString()), true);
    }

    /** All but the last {@link #VISIBLE_TAIL_DIGITS} digits become '*'. */
    private static String mask(String digits) {
        int visible = Math.min(VISIBLE_TAIL_DIGITS, digits.length() - 1);
        return "*".repeat(digits.length() - visible) + digits.substring(digits.length() - visible);
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
