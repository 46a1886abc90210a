package org.appealdesk.appeal;

import java.time.LocalDateTime;
import java.util.List;
import org.appealdesk.platform.Money;

/**
 * How an appeal is given to on the web and presented to the public: the card amounts offered, the
 * card limits, whether card gifts reach the charity in full, when the appeal closes (Gift Aid
 * reminders go out after that), and the names the terms and the article box print.
 *
 * <p>Kept beside {@link Appeal} rather than inside it: an appeal is constructed in many places and
 * most of them (texts, ledger, settlement) never need these. Read from the appeal's optional "web"
 * object; {@link #defaults} is what an appeal without one gets.
 *
 * @param suggestedAmounts        the buttons on the donate page (£3 / £5 / £10), ascending, within the card limits
 * @param cardAmountMin           the smallest card gift this appeal takes
 * @param cardAmountMax           the largest card gift this appeal takes
 * @param cardFullAmountToCharity true only when nothing is deducted from card gifts (someone else pays the fees),
 *                                so the donate page may say "100%" for cards; text gifts have their own flag on the appeal
 * @param closesAt                when the appeal closes, UK local time; null while it has no end. Gift Aid reminders
 *                                go to text donors who have not declared, once, after this
 * @param publisherName           who runs the appeal and is named in the terms and the article box ("The Sun")
 * @param refundsContact          where donors ask about refunds (a phone number, address or e-mail), printed in the terms
 */
public record AppealWebSettings(
        List<Money> suggestedAmounts,
        Money cardAmountMin,
        Money cardAmountMax,
        boolean cardFullAmountToCharity,
        LocalDateTime closesAt,
        String publisherName,
        String refundsContact) {

    public static final int SUGGESTED_AMOUNTS_MAX = 6;
    public static final List<Money> SUGGESTED_DEFAULT = List.of(Money.ofPounds(3), Money.ofPounds(5), Money.ofPounds(10));
    public static final Money CARD_MIN_DEFAULT = Money.ofPounds(1);
    public static final Money CARD_MAX_DEFAULT = Money.ofPounds(1_000);

    public AppealWebSettings {
        suggestedAmounts = List.copyOf(suggestedAmounts);
        if (cardAmountMin == null || cardAmountMax == null || !cardAmountMin.isPositive() || cardAmountMin.isGreaterThan(cardAmountMax)) {
            throw new IllegalArgumentException("web.cardAmountMin and web.cardAmountMax must be positive with min <= max, got "
                    + cardAmountMin + " and " + cardAmountMax);
        }
        if (suggestedAmounts.isEmpty() || suggestedAmounts.size() > SUGGESTED_AMOUNTS_MAX) {
            throw new IllegalArgumentException("web.suggestedAmounts needs 1-" + SUGGESTED_AMOUNTS_MAX + " amounts, got " + suggestedAmounts.size());
        }
        Money previous = Money.ZERO;
        for (Money amount : suggestedAmounts) {
            if (!amount.isGreaterThan(previous)) {
                throw new IllegalArgumentException("web.suggestedAmounts must be positive and ascending, got " + suggestedAmounts);
            }
            if (cardAmountMin.isGreaterThan(amount) || amount.isGreaterThan(cardAmountMax)) {
                throw new IllegalArgumentException("web.suggestedAmounts: " + amount + " is outside the card limits " + cardAmountMin + "-" + cardAmountMax);
            }
            previous = amount;
        }
        AppealRules.requireText(publisherName, "web.publisherName", 80);
        AppealRules.requireText(refundsContact, "web.refundsContact", 120);
    }

    /** What an appeal without a "web" object gets: £3/£5/£10, £1-£1,000, fees deducted, no end, the charity as publisher. */
    public static AppealWebSettings defaults(Appeal appeal) {
        return new AppealWebSettings(SUGGESTED_DEFAULT, CARD_MIN_DEFAULT, CARD_MAX_DEFAULT, false, null,
                appeal.charity().name(), appeal.charity().helpline());
    }

    /** True when {@code amount} may be given by card to this appeal. */
    public boolean allowsCardAmount(Money amount) {
        return !cardAmountMin.isGreaterThan(amount) && !amount.isGreaterThan(cardAmountMax);
    }
}
