package org.appealdesk.sms;

import java.util.List;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.Charity;
import org.appealdesk.appeal.Fund;
import org.appealdesk.appeal.TextRoute;
import org.appealdesk.platform.Money;

/**
 * Appeals for the sms tests, built with the real constructors so their validation applies.
 *
 * <p>Shortcodes: 70141 the reference appeal (SUN, keyword plus amount); 70905/70910 one shortcode
 * per price (WATER at £5 and £10), 70070 the same appeal in keyword-plus-amount style; 70123 a
 * shared shortcode with near-miss keywords (BEAT, BEAR, and K9S with a digit inside); 70777 two
 * keywords that read the same text two ways (AB with suffix NOINFO, and AB5NOINFO).
 */
final class SmsTestAppeals {

    static final String SUN_SHORTCODE = "70141";
    static final String WATER_FIVE_SHORTCODE = "70905";
    static final String WATER_TEN_SHORTCODE = "70910";
    static final String WATER_ANY_SHORTCODE = "70070";
    static final String SHARED_SHORTCODE = "70123";
    static final String AMBIGUOUS_SHORTCODE = "70777";
    static final String UNKNOWN_SHORTCODE = "70999";

    static final Appeal SUN = reference();
    static final Appeal WATER = appeal("water-wells", List.of(
                    new TextRoute(WATER_FIVE_SHORTCODE, "WATER", pounds(5)),
                    new TextRoute(WATER_TEN_SHORTCODE, "WATER", pounds(10)),
                    new TextRoute(WATER_ANY_SHORTCODE, "WATER", null)),
            List.of(pounds(5), pounds(10)), pounds(5), "NOINFO");
    static final Appeal BEAT = appeal("beat-cancer", List.of(new TextRoute(SHARED_SHORTCODE, "BEAT", null)),
            List.of(pounds(3), pounds(5), pounds(10)), pounds(5), "NOINFO");
    static final Appeal BEAR = appeal("bear-rescue", List.of(new TextRoute(SHARED_SHORTCODE, "BEAR", null)),
            List.of(pounds(2), pounds(4)), pounds(2), "NOTEXT");
    static final Appeal K9S = appeal("k9-rescue", List.of(new TextRoute(SHARED_SHORTCODE, "K9S", null)),
            List.of(pounds(5), pounds(20)), pounds(5), "NOINFO");
    static final Appeal AB_ONE = appeal("ab-one", List.of(new TextRoute(AMBIGUOUS_SHORTCODE, "AB", null)),
            List.of(pounds(5)), pounds(5), "NOINFO");
    static final Appeal AB_TWO = appeal("ab-two", List.of(new TextRoute(AMBIGUOUS_SHORTCODE, "AB5NOINFO", null)),
            List.of(pounds(5)), pounds(5), "NOINFO");

    static final List<Appeal> ALL = List.of(SUN, WATER, BEAT, BEAR, K9S, AB_ONE, AB_TWO);

    private SmsTestAppeals() {
    }

    static AppealCatalog catalog() {
        return new AppealCatalog(ALL);
    }

    static Money pounds(long pounds) {
        return Money.ofPounds(pounds);
    }

    /** The project's reference appeal (DOMAIN.md): "text SUN£3, SUN£5 or SUN£10 to 70141". */
    static Appeal reference() {
        return new Appeal(
                "sun-ukraine",
                "Sun Ukraine Appeal",
                new Charity("British Red Cross", "220949", "0344 871 11 11"),
                List.of(new TextRoute(SUN_SHORTCODE, "SUN", null)),
                List.of(pounds(3), pounds(5), pounds(10)),
                pounds(5),
                "NOINFO",
                new Fund("ukraine-crisis", "Ukraine Crisis Appeal", pounds(1_000_000)),
                new Fund("disaster-fund", "Disaster Fund", null),
                pounds(20),
                pounds(30),
                true,
                "http://127.0.0.1:8080");
    }

    /** The reference appeal with another charity name and public address, for the wording's limits. */
    static Appeal withLinks(String charityName, String publicBaseUrl) {
        Appeal reference = reference();
        return new Appeal(reference.slug(), reference.title(), new Charity(charityName, "220949", "0344 871 11 11"), reference.routes(),
                reference.prices(), reference.defaultPrice(), reference.noContactSuffix(), reference.designated(), reference.overflow(),
                reference.maxPerText(), reference.dailyCapPerNumber(), true, publicBaseUrl);
    }

    static Appeal appeal(String slug, List<TextRoute> routes, List<Money> prices, Money defaultPrice, String suffix) {
        return new Appeal(
                slug,
                "Appeal " + slug,
                new Charity("Charity " + slug, "1000001", "0800 000 000"),
                routes,
                prices,
                defaultPrice,
                suffix,
                new Fund(slug + "-fund", "Fund " + slug, pounds(100_000)),
                new Fund("general-fund", "General Fund", null),
                pounds(20),
                pounds(30),
                true,
                "http://127.0.0.1:8080");
    }
}
