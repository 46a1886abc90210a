package org.appealdesk.platform;

/**
 * A donor's phone number in international form without '+', e.g. "447700900123".
 *
 * <p>Phone numbers are personal data: {@link #toString()} never shows the digits, so a number that
 * slips into a log line or an exception message leaks nothing. Only {@link #digits()} gives them,
 * and only {@link PhoneVault} and the SMS adapters should call it.
 */
public record PhoneNumber(String digits) {

    /** Longest number E.164 allows. */
    public static final int DIGITS_MAX = 15;

    public PhoneNumber {
        if (digits == null || digits.isEmpty() || digits.length() > DIGITS_MAX || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Deliberately does not echo the input: it may be a real number.
            throw new IllegalArgumentException("phone number must be 1-" + DIGITS_MAX + " digits");
        }
    }

    /**
     * Normalises what networks send ("+447700900123", "07700900123", "447700900123") to
     * international digits; UK national numbers starting 0 become 44...
     *
     * @throws IllegalArgumentException when the text is not a phone number
     */
    public static PhoneNumber parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("phone number missing");
        }
        String digits = text.strip();
        if (digits.startsWith("+")) {
            digits = digits.substring(1);
        } else if (digits.startsWith("00")) {
            digits = digits.substring(2);
        } else if (digits.startsWith("0")) {
            digits = "44" + digits.substring(1);
        }
        return new PhoneNumber(digits);
    }

    @Override
    public String toString() {
        return "PhoneNumber[redacted]";
    }
}
