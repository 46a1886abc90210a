package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.appealdesk.app.Core;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Card gifts share the text gifts' lifecycle, ledger and totals, with the payment provider as the network. */
class CardGiftsTest {

    private Database database;
    private Core core;

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        core = Fixtures.core(database, Fixtures.catalog(10)).start();
    }

    @AfterEach
    void stop() {
        core.close();
    }

    @Test
    void aConfirmedCardGiftIsBookedOnceToTheFundsAndTotals() {
        // Proves: a card gift is CHARGING with a stored request id until the provider confirms it; then it is booked once
        // (receivable from the card provider, overflow past the cap), a repeated webhook changes nothing, and verify passes.
        Appeal appeal = core.catalog.bySlug("sun-ukraine").orElseThrow();
        CardGifts.CardGift gift = core.cardGifts.start(appeal, Money.ofPounds(25));
        assertThat(gift.requestId()).startsWith("ap");
        assertThat(state(gift.donationId())).isEqualTo("CHARGING");
        core.cardGifts.succeeded(gift.requestId());
        core.cardGifts.succeeded(gift.requestId());
        assertThat(state(gift.donationId())).isEqualTo("CHARGED");
        core.totals.refreshNow();
        var totals = core.totals.totals("sun-ukraine").orElseThrow();
        assertThat(totals.chargedPence()).isEqualTo(2_500);
        assertThat(totals.fundPence()).containsEntry("ukraine-crisis", 1_000L).containsEntry("disaster-fund", 1_500L);
        assertThat(core.verifier.verify().passed()).isTrue();
        assertThat(core.events.claim(10)).as("no text to send: a card donor has no phone number").isEmpty();
    }

    @Test
    void aFailedCardGiftIsNeverChargedEvenIfASuccessArrivesLater() {
        // Proves: once the provider says the payment failed, a later success for the same request id is ignored, and nothing is booked.
        CardGifts.CardGift gift = core.cardGifts.start(core.catalog.bySlug("sun-ukraine").orElseThrow(), Money.ofPounds(5));
        core.cardGifts.failed(gift.requestId(), "card_declined", true);
        core.cardGifts.succeeded(gift.requestId());
        assertThat(state(gift.donationId())).isEqualTo("FAILED");
        core.totals.refreshNow();
        assertThat(core.totals.totals("sun-ukraine").orElseThrow().chargedPence()).isZero();
        assertThat(core.verifier.verify().passed()).isTrue();
    }

    @Test
    void amountsOutsideTheCardLimitsAreRefused() {
        // Proves: a card gift below £1 or above £10,000 is refused before anything is stored.
        Appeal appeal = core.catalog.bySlug("sun-ukraine").orElseThrow();
        assertThatThrownBy(() -> core.cardGifts.start(appeal, Money.ofPence(99))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> core.cardGifts.start(appeal, Money.ofPounds(10_001))).isInstanceOf(IllegalArgumentException.class);
    }

    private String state(long donationId) {
        return database.inTransaction(connection -> {
            try (var select = connection.prepareStatement("select state from donation where id = ?")) {
                select.setLong(1, donationId);
                try (var row = select.executeQuery()) {
                    return row.next() ? row.getString(1) : null;
                }
            }
        });
    }
}
