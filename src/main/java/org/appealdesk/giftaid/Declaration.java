package org.appealdesk.giftaid;

import java.util.regex.Pattern;

/**
 * What a donor declares for Gift Aid, in the shape HMRC's claim schedule takes: title (optional, at
 * most 4 characters), first name and surname (at most 35 each), house name or number (at most 40)
 * and a UK postcode. Names are letters with spaces, hyphens, apostrophes and full stops only, which
 * also keeps markup and spreadsheet formulas out of the claim file.
 */
public record Declaration(String title, String firstName, String lastName, String house, String postcode) {

    public static final int TITLE_LENGTH_MAX = 4;
    public static final int NAME_LENGTH_MAX = 35;
    public static final int HOUSE_LENGTH_MAX = 40;

    static final Pattern NAME = Pattern.compile("\\p{L}[\\p{L}\\p{M} .'\u2019-]*");
    static final Pattern TITLE = Pattern.compile("\\p{L}[\\p{L}.]*");
    /** House names and numbers: "12", "12A", "Flat 3, 12", "Rose Cottage", "1/2". */
    static final Pattern HOUSE = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} ,.'\u2019/&-]*");

    public Declaration {
        title = title == null ? "" : title;
        if (!title.isEmpty() && (title.length() > TITLE_LENGTH_MAX || !TITLE.matcher(title).matches())) {
            throw new IllegalArgumentException("title must be at most " + TITLE_LENGTH_MAX + " letters");
        }
        requireMatch(firstName, NAME, NAME_LENGTH_MAX, "first name");
        requireMatch(lastName, NAME, NAME_LENGTH_MAX, "surname");
        requireMatch(house, HOUSE, HOUSE_LENGTH_MAX, "house name or number");
        if (postcode == null || UkPostcode.normalise(postcode).filter(postcode::equals).isEmpty()) {
            throw new IllegalArgumentException("postcode must be a normalised UK postcode, got '" + postcode + "'");
        }
    }

    private static void requireMatch(String value, Pattern pattern, int lengthMax, String what) {
        if (value == null || value.isEmpty() || value.length() > lengthMax || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " is not valid");
        }
    }
}
