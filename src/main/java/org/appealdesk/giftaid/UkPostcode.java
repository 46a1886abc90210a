package org.appealdesk.giftaid;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * UK postcodes as HMRC's Gift Aid schedule takes them: upper case, one space before the inward
 * code ("SW1A 1AA"). People type "sw1a1aa", "SW1A  1AA" or " Sw1a 1aa ", so spacing and case are
 * forgiven; the shape is not (a claim with a malformed postcode is rejected by HMRC).
 */
public final class UkPostcode {

    /** Outward code shapes A9, A99, AA9, AA99, A9A, AA9A (with the letters each position allows), then 9AA; and GIR 0AA. */
    private static final Pattern SHAPE = Pattern.compile(
            "GIR 0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}");
    /** The longest a postcode can be, with its space; anything longer is not one. */
    public static final int LENGTH_MAX = 8;
    /** What the form accepts before normalising (extra spaces), so a pasted essay is not examined. */
    private static final int INPUT_LENGTH_MAX = 16;

    private UkPostcode() {
    }

    /** The normalised postcode, or empty when {@code input} is not a UK postcode. */
    public static Optional<String> normalise(String input) {
        if (input == null || input.length() > INPUT_LENGTH_MAX) {
            return Optional.empty();
        }
        String compact = input.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
        if (compact.length() < 5 || compact.length() > LENGTH_MAX - 1) {
            return Optional.empty();
        }
        String spaced = compact.substring(0, compact.length() - 3) + " " + compact.substring(compact.length() - 3);
        return SHAPE.matcher(spaced).matches() ? Optional.of(spaced) : Optional.empty();
    }
}
