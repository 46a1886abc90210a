package org.appealdesk.appeal;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.appealdesk.platform.Money;

/**
 * The words of every promotion (the article appeal box, posters, the donate page), generated from
 * the appeal's configuration and never typed by hand, so the price, the keyword and the charity are
 * always the ones the platform charges (DOMAIN.md). Each line is one rule of the regulator's:
 * what to text, what a text costs ("Texts cost £5 + one standard network rate message"), who
 * receives the money ("100%" only for a channel where nothing is deducted), and who may give
 * (16 or over, with the bill payer's permission).
 *
 * @param headline    the appeal's title
 * @param howToText   "Text SUN5 to 70141 to give £5." and the other amounts
 * @param cost        what each text costs the donor
 * @param charity     who receives the money, and "100%" where that is true
 * @param eligibility 16+ and the bill payer's permission
 * @param noContact   how to give without being contacted again
 * @param byCard      the web alternative
 * @param terms       where the full terms are
 */
public record PromoWording(String headline, String howToText, String cost, String charity, String eligibility,
                           String noContact, String byCard, String terms) {

    public PromoWording {
        for (String line : List.of(headline, howToText, cost, charity, eligibility, noContact, byCard, terms)) {
            if (line == null || line.isBlank()) {
                throw new IllegalArgumentException("every line of the promotion wording is required");
            }
        }
    }

    public static PromoWording of(Appeal appeal, AppealWebSettings web) {
        TextRoute first = appeal.routes().getFirst();
        Money lead = first.fixedPrice() != null ? first.fixedPrice() : appeal.defaultPrice();
        return new PromoWording(
                appeal.title(),
                howToText(appeal, lead),
                cost(appeal, lead),
                charity(appeal, web),
                "You must be 16 or over and have the bill payer's permission.",
                noContact(appeal, first, lead),
                "Or give by card at " + donateUrl(appeal) + ".",
                "Full terms: " + termsUrl(appeal) + ".");
    }

    /** The whole wording as one paragraph, for the CLI, the API and plain-text channels. */
    public String plainText() {
        return String.join(" ", howToText, cost, charity, eligibility, noContact, byCard, terms);
    }

    /** The lines after the call to action, in print order. */
    public List<String> smallPrint() {
        return List.of(cost, charity, eligibility, noContact, terms);
    }

    public static String donateUrl(Appeal appeal) {
        return appeal.publicBaseUrl() + "/donate/" + appeal.slug();
    }

    public static String termsUrl(Appeal appeal) {
        return appeal.publicBaseUrl() + "/terms/" + appeal.slug();
    }

    /** "SUN5": a keyword route's keyword with the amount in whole pounds; a fixed-price route's keyword alone. */
    public static String textFor(TextRoute route, Money amount) {
        return route.fixedPrice() != null ? route.keyword() : route.keyword() + amount.pence() / 100;
    }

    private static String howToText(Appeal appeal, Money lead) {
        StringJoiner sentences = new StringJoiner(" ");
        TextRoute first = appeal.routes().getFirst();
        sentences.add("Text " + textFor(first, lead) + " to " + first.shortcode() + " to give " + lead.format() + ".");
        List<String> others = new ArrayList<>();
        List<Money> otherAmounts = new ArrayList<>();
        for (TextRoute route : appeal.routes()) {
            if (route.fixedPrice() != null) {
                if (route != first) {
                    sentences.add("Text " + route.keyword() + " to " + route.shortcode() + " to give " + route.fixedPrice().format() + ".");
                }
                continue;
            }
            for (Money price : appeal.prices()) {
                if (route == first && price.equals(lead)) {
                    continue;
                }
                others.add(textFor(route, price) + (route.shortcode().equals(first.shortcode()) ? "" : " to " + route.shortcode()));
                otherAmounts.add(price);
            }
        }
        if (!others.isEmpty()) {
            sentences.add("Or text " + orList(others) + " to give " + orList(otherAmounts.stream().map(Money::format).toList()) + ".");
        }
        return sentences.toString();
    }

    private static String cost(Appeal appeal, Money lead) {
        List<String> amounts = appeal.prices().stream().filter(price -> !price.equals(lead)).map(Money::format).toList();
        String main = "Texts cost " + lead.format() + " + one standard network rate message";
        return amounts.isEmpty() ? main + "." : main + " (" + orList(amounts) + " texts cost that amount + one standard network rate message).";
    }

    private static String charity(Appeal appeal, AppealWebSettings web) {
        String who = appeal.charity().name() + " (registered charity " + appeal.charity().registeredNumber() + ")";
        if (appeal.fullAmountToCharity() && web.cardFullAmountToCharity()) {
            return who + " receives 100% of your donation.";
        }
        if (appeal.fullAmountToCharity()) {
            return who + " receives 100% of your text donation.";
        }
        if (web.cardFullAmountToCharity()) {
            return who + " receives 100% of your card donation; text donations go to " + appeal.charity().name() + " less network charges.";
        }
        return "Your donation goes to " + who + " less network and card charges.";
    }

    private static String noContact(Appeal appeal, TextRoute first, Money lead) {
        String text = first.fixedPrice() != null ? first.keyword() + appeal.noContactSuffix()
                : first.keyword() + appeal.noContactSuffix() + lead.pence() / 100;
        return "To give without being contacted again, text " + text + " to " + first.shortcode() + ".";
    }

    private static String orList(List<String> items) {
        if (items.size() == 1) {
            return items.getFirst();
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.getLast();
    }
}
