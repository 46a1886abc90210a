package org.appealdesk.donation;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Sequences;
import org.appealdesk.platform.Tokens;
import org.appealdesk.platform.UkCalendar;

/**
 * Gifts by card on the web. A card gift is a donation with one charge part, like a text gift, so it
 * enters the same lifecycle, ledger, funds and totals; the payment provider plays the network:
 * {@link #start} stores the donation and its request id (the provider's idempotency key) before
 * anything is sent to the provider, and the provider's verified webhook reports the outcome through
 * {@link #succeeded} or {@link #failed}, applied like any network report (duplicates change nothing).
 */
public final class CardGifts {

    /** The network name card gifts are booked under: their money is owed by the payment provider. */
    public static final String CARD_NETWORK = "card";
    public static final String CHANNEL = "web";
    /** Smallest and largest card gift the platform accepts at all; appeals may set narrower limits. */
    public static final Money AMOUNT_MIN = Money.ofPence(100);
    public static final Money AMOUNT_MAX = Money.ofPounds(10_000);

    /** A started card gift: what the web layer needs to create the provider's payment. */
    public record CardGift(long donationId, String requestId, String giftAidToken, Appeal appeal, Money amount) {
    }

    private final Database database;
    private final ChargeEventService events;
    private final InstantSource clock;

    public CardGifts(Database database, ChargeEventService events, InstantSource clock) {
        this.database = database;
        this.events = events;
        this.clock = clock;
    }

    /** Records a card gift as CHARGING with its request id, before the provider is called. */
    public CardGift start(Appeal appeal, Money amount) {
        if (amount.compareTo(AMOUNT_MIN) < 0 || amount.isGreaterThan(AMOUNT_MAX)) {
            throw new IllegalArgumentException("a card gift must be " + AMOUNT_MIN + "-" + AMOUNT_MAX + ", got " + amount);
        }
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            long id = Sequences.reserve(connection, "donation_id_seq", 1)[0];
            String token = Tokens.keyed(id);
            long partId = Sequences.reserve(connection, "charge_part_id_seq", 1)[0];
            String requestId = RequestIds.forPart(partId);
            try (PreparedStatement donation = connection.prepareStatement(
                    "insert into donation (id, appeal_slug, donor_id, inbound_id, channel, amount_pence, no_contact, network, state, uk_day, created_at, gift_aid_token)"
                            + " values (?, ?, null, null, ?, ?, true, ?, 'CHARGING', ?, ?, ?)");
                 PreparedStatement part = connection.prepareStatement(
                         "insert into charge_part (id, donation_id, part_no, amount_pence, request_id, outbox_id, state) values (?, ?, 1, ?, ?, null, 'PENDING')")) {
                donation.setLong(1, id);
                donation.setString(2, appeal.slug());
                donation.setString(3, CHANNEL);
                donation.setLong(4, amount.pence());
                donation.setString(5, CARD_NETWORK);
                donation.setObject(6, UkCalendar.dayOf(now));
                donation.setTimestamp(7, Timestamp.from(now));
                donation.setString(8, token);
                donation.executeUpdate();
                part.setLong(1, partId);
                part.setLong(2, id);
                part.setLong(3, amount.pence());
                part.setString(4, requestId);
                part.executeUpdate();
            }
            return new CardGift(id, requestId, token, appeal, amount);
        });
    }

    /** The provider confirmed the payment (a verified webhook). Idempotent. */
    public void succeeded(String requestId) {
        events.submitAndWait(new ChargeEvent.ProviderOutcome(requestId, true, null, false));
    }

    /** The provider says the payment failed or expired. Idempotent; a later success for the same request id changes nothing. */
    public void failed(String requestId, String reason, boolean permanent) {
        events.submitAndWait(new ChargeEvent.ProviderOutcome(requestId, false, reason, permanent));
    }
}
