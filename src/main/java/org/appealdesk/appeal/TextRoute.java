package org.appealdesk.appeal;

import org.appealdesk.platform.Money;

/**
 * One way to text a gift to an appeal: a keyword sent to a shortcode.
 *
 * <p>Two styles exist in the UK and both are routes: keyword plus amount in the text ("SUN5" to
 * 70141; {@code fixedPrice} null, the amount comes from the text or the appeal's default), and one
 * shortcode per price ("WATER" to 70905 always gives £5; {@code fixedPrice} set).
 *
 * @param keyword upper-case letters and digits, no spaces ("SUN")
 */
public record TextRoute(String shortcode, String keyword, Money fixedPrice) {
    public TextRoute {
        if (shortcode == null || !shortcode.matches("\\d{5,6}")) {
            throw new IllegalArgumentException("route shortcode must be 5-6 digits, got '" + shortcode + "'");
        }
        // Keywords end in a letter: "SUN5" as a keyword would make "SUN55" ambiguous.
        if (keyword == null || !keyword.matches("[A-Z][A-Z0-9]{0,18}[A-Z]")) {
            throw new IllegalArgumentException("route keyword must be 2-20 upper-case letters or digits, starting and ending with a letter, got '" + keyword + "'");
        }
        if (fixedPrice != null && !fixedPrice.isPositive()) {
            throw new IllegalArgumentException("route fixedPrice must be positive, got " + fixedPrice);
        }
    }
}
