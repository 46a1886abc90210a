package org.appealdesk.appeal;

import java.util.List;
import java.util.Set;
import org.appealdesk.platform.Money;

/**
 * An appeal: who the money is for, how donors text it, what they may give, and where it goes.
 *
 * <p>Validated whole in the compact constructor, so an appeal that exists is one the regulator and
 * the networks would accept: prices within the per-text maximum, the maximum within the legal
 * £40 ceiling, the daily cap within its ceiling, distinct designated and overflow funds.
 *
 * @param prices           the amounts a donor may text, ascending ("SUN3", "SUN5", "SUN10")
 * @param defaultPrice     what a bare keyword gives ("SUN" alone); one of {@code prices}
 * @param noContactSuffix  appended to a keyword for "donate, but do not contact me" ("NOINFO")
 * @param designated       the fund the appeal is for, usually with a cap
 * @param overflow         where surplus beyond the designated fund's cap goes
 * @param maxPerText       the largest single charge the networks accept
 * @param dailyCapPerNumber the most one phone number may give in a UK day across this platform
 * @param fullAmountToCharity true when nothing is deducted, so promotions may say "100%"
 * @param publicBaseUrl    where donors' links (Gift Aid form, terms) point, without trailing '/'
 */
public record Appeal(
        String slug,
        String title,
        Charity charity,
        List<TextRoute> routes,
        List<Money> prices,
        Money defaultPrice,
        String noContactSuffix,
        Fund designated,
        Fund overflow,
        Money maxPerText,
        Money dailyCapPerNumber,
        boolean fullAmountToCharity,
        String publicBaseUrl) {

    public static final int PRICES_MAX = 10;
    /**
     * Longest publicBaseUrl. The thank-you's shortest wording ("Thank you for your £30 gift. Gift
     * Aid: " and the link: this URL, "/g/" and a token of up to 23 characters) then still fits one
     * 160-character text; a longer one would be cut and its link broken (sms.Replies).
     */
    public static final int PUBLIC_BASE_URL_LENGTH_MAX = 80;

    public Appeal {
        AppealRules.requireSlug(slug, "appeal.slug");
        AppealRules.requireText(title, "appeal.title", 120);
        if (charity == null || designated == null || overflow == null) {
            throw new IllegalArgumentException("appeal " + slug + " needs a charity, a designated fund and an overflow fund");
        }
        if (designated.slug().equals(overflow.slug())) {
            throw new IllegalArgumentException("appeal " + slug + ": designated and overflow funds must differ");
        }
        if (overflow.hasCap()) {
            throw new IllegalArgumentException("appeal " + slug + ": the overflow fund takes all surplus and may not have a cap");
        }
        routes = List.copyOf(routes);
        prices = List.copyOf(prices);
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("appeal " + slug + " has no text routes");
        }
        if (prices.isEmpty() || prices.size() > PRICES_MAX) {
            throw new IllegalArgumentException("appeal " + slug + " needs 1-" + PRICES_MAX + " prices");
        }
        if (maxPerText == null || !maxPerText.isPositive() || maxPerText.isGreaterThan(AppealRules.PER_TEXT_LEGAL_CEILING)) {
            throw new IllegalArgumentException("appeal " + slug + ": maxPerText must be £0.01-" + AppealRules.PER_TEXT_LEGAL_CEILING + ", got " + maxPerText);
        }
        if (dailyCapPerNumber == null || !dailyCapPerNumber.isPositive() || dailyCapPerNumber.isGreaterThan(AppealRules.DAILY_CAP_LEGAL_CEILING)) {
            throw new IllegalArgumentException("appeal " + slug + ": dailyCapPerNumber must be £0.01-" + AppealRules.DAILY_CAP_LEGAL_CEILING + ", got " + dailyCapPerNumber);
        }
        Money previous = Money.ZERO;
        for (Money price : prices) {
            if (!price.isGreaterThan(previous)) {
                throw new IllegalArgumentException("appeal " + slug + ": prices must be positive and ascending, got " + prices);
            }
            if (price.isGreaterThan(maxPerText)) {
                throw new IllegalArgumentException("appeal " + slug + ": price " + price + " is above maxPerText " + maxPerText);
            }
            if (price.pence() % 100 != 0) {
                // Donors text whole pounds ("SUN5"); a price in pence cannot be written as a keyword.
                throw new IllegalArgumentException("appeal " + slug + ": price " + price + " is not whole pounds");
            }
            previous = price;
        }
        if (!prices.contains(defaultPrice)) {
            throw new IllegalArgumentException("appeal " + slug + ": defaultPrice " + defaultPrice + " is not one of the prices " + prices);
        }
        for (TextRoute route : routes) {
            if (route.fixedPrice() != null && !prices.contains(route.fixedPrice())) {
                throw new IllegalArgumentException("appeal " + slug + ": route " + route.keyword() + " to " + route.shortcode() + " has fixed price " + route.fixedPrice() + " which is not one of the prices");
            }
        }
        if (noContactSuffix == null || !noContactSuffix.matches("[A-Z]{2,10}")) {
            throw new IllegalArgumentException("appeal " + slug + ": noContactSuffix must be 2-10 upper-case letters, got '" + noContactSuffix + "'");
        }
        if (publicBaseUrl == null || !publicBaseUrl.matches("https?://[^\\s]+[^/]")) {
            throw new IllegalArgumentException("appeal " + slug + ": publicBaseUrl must be an http(s) URL without a trailing '/', got '" + publicBaseUrl + "'");
        }
        if (publicBaseUrl.length() > PUBLIC_BASE_URL_LENGTH_MAX) {
            throw new IllegalArgumentException("appeal " + slug + ": publicBaseUrl must be at most " + PUBLIC_BASE_URL_LENGTH_MAX
                    + " characters, so that a thank-you's Gift Aid link always fits one text; got " + publicBaseUrl.length());
        }
    }

    /** True when {@code amount} is one of the offered prices. */
    public boolean offers(Money amount) {
        return prices.contains(amount);
    }

    public Set<String> fundSlugs() {
        return Set.of(designated.slug(), overflow.slug());
    }
}
