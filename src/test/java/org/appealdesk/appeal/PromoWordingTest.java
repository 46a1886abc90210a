package org.appealdesk.appeal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.appealdesk.platform.Money;
import org.appealdesk.support.Fixtures;
import org.junit.jupiter.api.Test;

/** Promotion wording is generated from configuration and follows the regulator's rules on cost, "100%", the charity and age. */
class PromoWordingTest {

    private static Appeal withRoutes(Appeal base, List<TextRoute> routes, List<Money> prices, Money defaultPrice, boolean fullAmount) {
        return new Appeal(base.slug(), base.title(), base.charity(), routes, prices, defaultPrice, base.noContactSuffix(), base.designated(),
                base.overflow(), base.maxPerText(), base.dailyCapPerNumber(), fullAmount, base.publicBaseUrl());
    }

    @Test
    void theReferenceAppealsWordingSaysWhatToTextWhatItCostsAndWhoGetsIt() {
        // Proves: the reference appeal's wording reads exactly as the seed promises, generated from its configuration alone.
        Appeal appeal = Fixtures.referenceAppeal(250_000);
        PromoWording wording = PromoWording.of(appeal, AppealWebSettings.defaults(appeal));
        assertThat(wording.headline()).isEqualTo("The Sun Ukraine Appeal");
        assertThat(wording.howToText()).isEqualTo("Text SUN5 to 70141 to give £5. Or text SUN3, SUN10 or SUN20 to give £3, £10 or £20.");
        assertThat(wording.cost()).isEqualTo("Texts cost £5 + one standard network rate message (£3, £10 or £20 texts cost that amount + one standard network rate message).");
        assertThat(wording.charity()).isEqualTo("British Red Cross (registered charity 220949) receives 100% of your text donation.");
        assertThat(wording.eligibility()).isEqualTo("You must be 16 or over and have the bill payer's permission.");
        assertThat(wording.noContact()).isEqualTo("To give without being contacted again, text SUNNOINFO5 to 70141.");
        assertThat(wording.byCard()).isEqualTo("Or give by card at http://127.0.0.1:8080/donate/sun-ukraine.");
        assertThat(wording.terms()).isEqualTo("Full terms: http://127.0.0.1:8080/terms/sun-ukraine.");
        assertThat(wording.plainText()).startsWith("Text SUN5 to 70141 to give £5.").contains("16 or over");
    }

    @Test
    void oneHundredPercentIsClaimedOnlyForChannelsWhereNothingIsDeducted() {
        // Proves: without fullAmountToCharity the wording never says 100%; with it, only text gifts are 100% unless card gifts also arrive whole.
        Appeal reference = Fixtures.referenceAppeal(100);
        Appeal deducted = withRoutes(reference, reference.routes(), reference.prices(), reference.defaultPrice(), false);
        AppealWebSettings cardsDeducted = AppealWebSettings.defaults(reference);
        AppealWebSettings cardsWhole = new AppealWebSettings(AppealWebSettings.SUGGESTED_DEFAULT, Money.ofPounds(1), Money.ofPounds(1_000), true, null,
                "The Sun", "0344 871 11 11");
        assertThat(PromoWording.of(deducted, cardsDeducted).plainText()).doesNotContain("100%");
        assertThat(PromoWording.of(reference, cardsDeducted).charity()).contains("100% of your text donation");
        assertThat(PromoWording.of(reference, cardsWhole).charity()).endsWith("receives 100% of your donation.");
        assertThat(PromoWording.of(deducted, cardsWhole).charity()).contains("100% of your card donation").contains("less network charges");
    }

    @Test
    void oneShortcodePerPriceRoutesAreWordedWithoutAnAmountInTheKeyword() {
        // Proves: a fixed-price route ("WATER to 70905 gives £5") is promoted as its keyword alone, with its own price and cost.
        Appeal reference = Fixtures.referenceAppeal(100);
        Appeal fixed = withRoutes(reference, List.of(new TextRoute("70905", "WATER", Money.ofPounds(5)), new TextRoute("70910", "WATER", Money.ofPounds(10))),
                List.of(Money.ofPounds(5), Money.ofPounds(10)), Money.ofPounds(5), true);
        PromoWording wording = PromoWording.of(fixed, AppealWebSettings.defaults(fixed));
        assertThat(wording.howToText()).isEqualTo("Text WATER to 70905 to give £5. Text WATER to 70910 to give £10.");
        assertThat(wording.cost()).startsWith("Texts cost £5 + one standard network rate message");
        assertThat(wording.noContact()).isEqualTo("To give without being contacted again, text WATERNOINFO to 70905.");
    }
}
