package org.appealdesk.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.appealdesk.appeal.Appeal;
import org.appealdesk.platform.Money;
import org.junit.jupiter.api.Test;

class RepliesTest {

    @Test
    void aThankYouAlwaysCarriesItsWholeGiftAidLinkInOneText() {
        // Proves: with the longest public address allowed and a charity name too long for the fuller wordings, the thank-you for the
        // largest amount falls back to its shortest wording and still holds the whole link with the longest token (23 characters: a
        // donation id of 11 base-62 digits and 12 random); a longer address is refused when the appeal is loaded.
        String url = "https://" + "a".repeat(Appeal.PUBLIC_BASE_URL_LENGTH_MAX - "https://".length() - 4) + ".org";
        assertThat(url).hasSize(Appeal.PUBLIC_BASE_URL_LENGTH_MAX);
        String longestName = "The Charitable Foundation for the Relief of Distress ".repeat(2).substring(0, 80); // charity names stop at 80
        Appeal appeal = SmsTestAppeals.withLinks(longestName, url);
        String link = url + "/g/" + "z".repeat(23);
        String text = Replies.thankYou(appeal, Money.ofPounds(30), link);
        assertThat(text).endsWith(link).startsWith("Thank you for your £30 gift.");
        assertThat(TextCodec.fitsOneMessage(text)).isTrue();

        assertThat(Replies.thankYou(SmsTestAppeals.reference(), Money.ofPounds(10), "http://127.0.0.1:8080/g/" + "z".repeat(23)))
                .as("the reference appeal keeps its fullest wording, helpline included").contains("Help: 0344 871 11 11");
        assertThatThrownBy(() -> SmsTestAppeals.withLinks("British Red Cross", url + "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publicBaseUrl must be at most 80 characters");
    }
}
