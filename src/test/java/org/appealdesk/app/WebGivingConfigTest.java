package org.appealdesk.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.platform.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web-giving settings: read from the shipped configuration, and a bad one stops start-up naming it. */
class WebGivingConfigTest {

    private static final Path REFERENCE = Path.of("config/reference-appeal.json");
    private static final Map<String, String> KEYS = Map.of("APPEALDESK_STRIPE_SECRET_KEY", "sk_test_abcdefgh", "APPEALDESK_STRIPE_WEBHOOK_SECRET", "whsec_abcdefghij");

    private static AppConfig readWith(Path directory, String from, String to, Map<String, String> environment) throws IOException {
        String text = Files.readString(REFERENCE);
        assertThat(text).contains(from);
        Path file = directory.resolve("config.json");
        Files.writeString(file, text.replace(from, to));
        return AppConfig.read(file, environment::get);
    }

    @Test
    void theShippedConfigurationHasTheReferenceAppealsWebSettings() {
        // Proves: the example configuration gives £3/£5/£10 by card within £1-£1,000, fees deducted from cards, a closing time, the
        // publisher and refunds contact; Stripe is configured when both keys are in the environment and off (with a reason) when neither is.
        AppConfig withoutKeys = AppConfig.read(REFERENCE, Map.<String, String>of()::get);
        AppealWebSettings web = withoutKeys.web().settings("sun-ukraine");
        assertThat(web.suggestedAmounts()).containsExactly(Money.ofPounds(3), Money.ofPounds(5), Money.ofPounds(10));
        assertThat(web.cardAmountMin()).isEqualTo(Money.ofPounds(1));
        assertThat(web.cardAmountMax()).isEqualTo(Money.ofPounds(1_000));
        assertThat(web.cardFullAmountToCharity()).isFalse();
        assertThat(web.closesAt()).isEqualTo(LocalDateTime.of(2027, 3, 31, 23, 59));
        assertThat(web.publisherName()).isEqualTo("The Sun");
        assertThat(withoutKeys.web().stripe()).isNull();
        assertThat(withoutKeys.web().cardPaymentsOffReason()).contains("APPEALDESK_STRIPE_SECRET_KEY");
        assertThat(withoutKeys.web().sampleArticle()).isTrue();

        AppConfig withKeys = AppConfig.read(REFERENCE, KEYS::get);
        assertThat(withKeys.web().stripe().apiBase()).isEqualTo("https://api.stripe.com");
        assertThat(withKeys.web().stripe().webhookToleranceSeconds()).isEqualTo(300);
        assertThat(withKeys.web().stripe().toString()).doesNotContain("sk_test_abcdefgh").doesNotContain("whsec_abcdefghij");
    }

    @Test
    void badWebSettingsStopStartUpNamingTheSetting(@TempDir Path directory) {
        // Proves: card limits outside the platform's £1-£10,000, suggested amounts outside the limits, a malformed closing time, a typo'd
        // key, a wrong type, one Stripe key without the other, a malformed key and a bad tolerance are each refused with the setting's name.
        assertThatThrownBy(() -> readWith(directory, "\"cardAmountMax\": \"1000\"", "\"cardAmountMax\": \"20000\"", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appeals[0].web.cardAmountMax").hasMessageContaining("£10000");
        assertThatThrownBy(() -> readWith(directory, "\"cardAmountMin\": \"1\"", "\"cardAmountMin\": \"0.50\"", Map.of()))
                .hasMessageContaining("appeals[0].web.cardAmountMin");
        assertThatThrownBy(() -> readWith(directory, "\"suggestedAmounts\": [ \"3\", \"5\", \"10\" ]", "\"suggestedAmounts\": [ \"3\", \"5\", \"5000\" ]", Map.of()))
                .hasMessageContaining("appeals[0].web").hasMessageContaining("suggestedAmounts");
        assertThatThrownBy(() -> readWith(directory, "\"closesAt\": \"2027-03-31T23:59\"", "\"closesAt\": \"31/03/2027\"", Map.of()))
                .hasMessageContaining("appeals[0].web.closesAt");
        assertThatThrownBy(() -> readWith(directory, "\"cardFullAmountToCharity\": false", "\"cardFullAmountToCharity\": \"no\"", Map.of()))
                .hasMessageContaining("appeals[0].web.cardFullAmountToCharity must be true or false");
        assertThatThrownBy(() -> readWith(directory, "\"publisherName\"", "\"publisher\"", Map.of()))
                .hasMessageContaining("appeals[0].web.publisher is not a setting");
        assertThatThrownBy(() -> readWith(directory, "\"networkRetriesMax\": 2", "\"networkRetriesMax\": 2, \"apiKey\": \"sk_live_x\"", Map.of()))
                .hasMessageContaining("stripe.apiKey is not a setting");
        assertThatThrownBy(() -> readWith(directory, "\"checkoutExpiryMinutes\": 30", "\"checkoutExpiryMinutes\": 30", Map.of("APPEALDESK_STRIPE_SECRET_KEY", "sk_test_abcdefgh")))
                .hasMessageContaining("APPEALDESK_STRIPE_WEBHOOK_SECRET is not set");
        assertThatThrownBy(() -> readWith(directory, "\"checkoutExpiryMinutes\": 30", "\"checkoutExpiryMinutes\": 30",
                Map.of("APPEALDESK_STRIPE_SECRET_KEY", "pk_test_public", "APPEALDESK_STRIPE_WEBHOOK_SECRET", "whsec_abcdefghij")))
                .hasMessageContaining("stripe").hasMessageContaining("sk_");
        assertThatThrownBy(() -> readWith(directory, "\"webhookToleranceSeconds\": 300", "\"webhookToleranceSeconds\": 86400", KEYS))
                .hasMessageContaining("stripe.webhookToleranceSeconds");
        assertThatThrownBy(() -> readWith(directory, "\"checkoutExpiryMinutes\": 30", "\"checkoutExpiryMinutes\": 5", KEYS))
                .hasMessageContaining("stripe.checkoutExpiryMinutes");
        assertThatThrownBy(() -> readWith(directory, "\"apiBase\": \"https://api.stripe.com\"", "\"apiBase\": \"ftp://x/\"", KEYS))
                .hasMessageContaining("stripe.apiBase");
    }
}
