package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.PhoneNumber;
import org.junit.jupiter.api.Test;

class ThankYouMatcherTest {

    private static final PhoneNumber DONOR = new PhoneNumber("447700900001");
    private static final PhoneNumber OTHER = new PhoneNumber("447700900002");
    private static final long MS = 1_000_000;

    private final ThankYouMatcher matcher = new ThankYouMatcher();
    private final List<Long> latencies = new ArrayList<>();

    private void text(PhoneNumber donor, String body, long pence, long dueMs) {
        TextTemplate template = pence > 0 ? TextTemplate.gsm(body, pence) : new TextTemplate(body, TextCoding.GSM_7BIT, 0, TextIntent.HELP);
        matcher.textDue(latencies::add, new TextMessage("MO-" + dueMs, dueMs, donor, "ee", "70141", template), dueMs * MS);
    }

    @Test
    void timesEachThankYouFromItsOwnTextInTheDonorsOrder() {
        // Proves two gifts of one donor are timed from their own texts, in order, and another donor's thanks do not mix in.
        text(DONOR, "SUN5", 500, 0);
        text(DONOR, "SUN10", 1000, 10);
        text(OTHER, "SUN3", 300, 20);
        matcher.firstChargeAttempt(DONOR, 1000, true);
        matcher.firstChargeAttempt(DONOR, 500, true);
        matcher.firstChargeAttempt(OTHER, 300, true);
        matcher.freeMessage(OTHER, 120 * MS);
        matcher.freeMessage(DONOR, 200 * MS);
        matcher.freeMessage(DONOR, 300 * MS);

        // The £10 charge came first, so the donor's first thank-you is the £10 gift's (texted at 10 ms).
        assertThat(latencies).containsExactly(100 * MS, 190 * MS, 300 * MS);
        assertThat(matcher.tally()).isEqualTo(new ThankYouTally(3, 0, 0, 0, 0));
    }

    @Test
    void aSplitGiftIsThankedOnceAfterAllItsPartsAndADeclinedOneNever() {
        // Proves a £20 gift charged as 2 x £10 waits for both parts, one thank-you follows, and a gift with a declined part is never thanked.
        text(DONOR, "SUN20", 2000, 0);
        matcher.firstChargeAttempt(DONOR, 1000, true);
        matcher.freeMessage(DONOR, 5 * MS);
        matcher.firstChargeAttempt(DONOR, 1000, true);
        matcher.freeMessage(DONOR, 40 * MS);
        text(DONOR, "SUN20", 2000, 50);
        matcher.firstChargeAttempt(DONOR, 1000, false);
        matcher.firstChargeAttempt(DONOR, 1000, true);
        matcher.freeMessage(DONOR, 90 * MS);

        assertThat(latencies).containsExactly(40 * MS);
        assertThat(matcher.tally()).isEqualTo(new ThankYouTally(1, 0, 0, 2, 1));
    }

    @Test
    void aTextNeverChargedStaysOpenWithoutShiftingLaterGifts() {
        // Proves a gift refused before charging (over the daily cap, say) does not take a later gift's charge or thanks,
        // and free replies to texts that are not gifts are counted apart.
        text(DONOR, "SUN10", 1000, 0);
        text(DONOR, "HELP", 0, 5);
        text(DONOR, "SUN5", 500, 10);
        matcher.freeMessage(DONOR, 15 * MS);
        matcher.firstChargeAttempt(DONOR, 500, true);
        matcher.freeMessage(DONOR, 60 * MS);

        assertThat(latencies).containsExactly(50 * MS);
        assertThat(matcher.tally()).isEqualTo(new ThankYouTally(1, 0, 0, 1, 0));
    }
}
