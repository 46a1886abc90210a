package org.appealdesk.giftaid;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.appealdesk.app.Core;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.donation.CardGifts;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.Tokens;
import org.appealdesk.platform.UkCalendar;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gift Aid against the real database: which gifts a declaration covers, the audit trail, reminders after closing, and HMRC claims. */
class GiftAidTest {

    private static final Declaration OLENA = new Declaration("Ms", "Olena", "Kovalenko", "12", "SW1A 1AA");
    private static final Declaration JAMES = new Declaration("", "James", "O'Neill", "Rose Cottage, 4", "M1 1AE");
    private Database database;
    private Core core;
    private Appeal appeal;
    private final AtomicInteger messages = new AtomicInteger();

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        core = Fixtures.core(database, Fixtures.catalog(250_000)).totalsRefresh(Duration.ofMillis(100)).start();
        appeal = core.catalog.bySlug("sun-ukraine").orElseThrow();
    }

    @AfterEach
    void stop() {
        core.close();
    }

    /** A text gift from {@code phone}, charged by the network; returns its donation id. */
    private long chargedText(String phone, String body) throws Exception {
        core.texts.submit(new InboundText("smpp", "m" + messages.incrementAndGet(), PhoneNumber.parse(phone), "70141", body, "o2", Instant.now())).get();
        Fixtures.awaitActed(core.texts);
        long donationId = newestDonation();
        for (OutboundMessage message : core.events.claim(100)) {
            if (message.isBilled()) {
                String networkId = "n" + message.id();
                core.events.accepted(message.id(), networkId).join();
                core.events.submit(new ChargeReport.Delivered(networkId, Instant.now())).get(5, TimeUnit.SECONDS);
            } else {
                core.events.accepted(message.id(), "free" + message.id()).join();
            }
        }
        return donationId;
    }

    private long newestDonation() {
        return ((Number) sql("select max(id) from donation")).longValue();
    }

    private String token(long donationId) {
        return (String) sql("select gift_aid_token from donation where id = ?", donationId);
    }

    private Object sql(String query, Object... parameters) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(query)) {
                for (int i = 0; i < parameters.length; i++) {
                    select.setObject(i + 1, parameters[i]);
                }
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getObject(1) : null;
                }
            }
        });
    }

    @Test
    void aLinkFindsItsGiftByIdOnlyWithItsWholeTokenAndLinksSentBeforeV9StillWork() throws Exception {
        // Proves: the thank-you's link names its donation; the same id with another random part, or another donation's random part,
        // finds nothing; a 12-character link of the kind sent before V9 (no id) still finds its gift through the index kept for them.
        long first = chargedText("447700900101", "SUN5");
        long second = chargedText("447700900202", "SUN10");
        String firstToken = token(first);
        String secondToken = token(second);
        assertThat(Tokens.keyOf(firstToken)).hasValue(first);
        assertThat(core.giftAid.gift(firstToken)).hasValueSatisfying(g -> assertThat(g.donationId()).isEqualTo(first));
        String secret = firstToken.substring(firstToken.length() - Tokens.KEYED_SECRET_LENGTH);
        String otherSecret = secondToken.substring(secondToken.length() - Tokens.KEYED_SECRET_LENGTH);
        String prefix = firstToken.substring(0, firstToken.length() - Tokens.KEYED_SECRET_LENGTH);
        assertThat(core.giftAid.gift(prefix + otherSecret)).as("the id with another gift's random part").isEmpty();
        assertThat(core.giftAid.gift(prefix + secret.substring(1) + (secret.charAt(0) == 'a' ? 'b' : 'a'))).isEmpty();
        assertThat(core.giftAid.declare(prefix + otherSecret, OLENA)).isInstanceOf(GiftAid.DeclareResult.NoSuchGift.class);

        String legacy = "Legacy12Char";
        database.inTransactionVoid(connection -> {
            try (PreparedStatement update = connection.prepareStatement("update donation set gift_aid_token = ? where id = ?")) {
                update.setString(1, legacy);
                update.setLong(2, second);
                update.executeUpdate();
            }
        });
        assertThat(core.giftAid.gift(legacy)).hasValueSatisfying(g -> assertThat(g.donationId()).isEqualTo(second));
        assertThat(core.giftAid.declare(legacy, JAMES)).isInstanceOf(GiftAid.DeclareResult.Declared.class);
        assertThat(core.giftAid.gift(secondToken)).as("its keyed token was replaced").isEmpty();
        String plan = database.inTransaction(connection -> {
            try (java.sql.Statement set = connection.createStatement()) {
                set.execute("set local enable_seqscan = off"); // a table this small would be scanned anyway: ask only whether the index can serve
            }
            try (PreparedStatement explain = connection.prepareStatement("explain select d.id from donation d" + GiftAid.LEGACY_TOKEN_WHERE)) {
                explain.setString(1, legacy);
                StringBuilder lines = new StringBuilder();
                try (ResultSet row = explain.executeQuery()) {
                    while (row.next()) {
                        lines.append(row.getString(1)).append('\n');
                    }
                }
                return lines.toString();
            }
        });
        assertThat(plan).as("a link of before V9 is found through the index kept for them").contains("donation_gift_aid_token_legacy");
    }

    @Test
    void aTextDonorsDeclarationCoversTheirOtherGiftsToTheCharityAndNoOneElses() throws Exception {
        // Proves: a text donor's declaration is enduring (HMRC's multiple-donation wording) and covers their earlier and later gifts to the
        // charity; another donor's gifts and card gifts stay uncovered; each page shows which declaration covers it.
        long first = chargedText("447700900101", "SUN5");
        long other = chargedText("447700900202", "SUN10");
        assertThat(core.giftAid.declare(token(first), OLENA)).isInstanceOf(GiftAid.DeclareResult.Declared.class);
        long later = chargedText("447700900101", "SUN3");
        CardGifts.CardGift card = core.cardGifts.start(appeal, Money.ofPounds(20));

        TokenGift laterGift = core.giftAid.gift(token(later)).orElseThrow();
        assertThat(laterGift.declaration()).hasValueSatisfying(d -> {
            assertThat(d.madeFromDonationId()).isEqualTo(first);
            assertThat(d.scope()).isEqualTo(DeclarationWording.Scope.ENDURING);
        });
        assertThat(core.giftAid.gift(token(first)).orElseThrow().wording().statement()).contains("and any donations I make in the future or have made in the past 4 years");
        assertThat(core.giftAid.gift(token(other)).orElseThrow().declaration()).isEmpty();
        assertThat(core.giftAid.gift(card.giftAidToken()).orElseThrow().declaration()).isEmpty();
        assertThat(core.giftAid.gift(card.giftAidToken()).orElseThrow().scope()).isEqualTo(DeclarationWording.Scope.SINGLE);
        assertThat(core.giftAid.declare(token(later), JAMES)).as("already covered: nothing stored").isInstanceOf(GiftAid.DeclareResult.AlreadyCovered.class);
        assertThat(((Number) sql("select count(*) from gift_aid_declaration")).longValue()).isEqualTo(1);
        assertThat(core.giftAid.gift("not a token!")).isEmpty();
    }

    @Test
    void theExportClaimsEachCoveredChargedUnrefundedGiftOnceInHmrcColumns() throws Exception {
        // Proves: the schedule lists charged gifts under a live declaration (title, names, house, postcode, blank aggregated and sponsored,
        // DD/MM/YY date, amount), leaves out pending, undeclared, refunded and cancelled ones, and a second export claims nothing again.
        long olenaFirst = chargedText("447700900101", "SUN5");
        long olenaSecond = chargedText("447700900101", "SUN10");
        long undeclared = chargedText("447700900303", "SUN3");
        long refunded = chargedText("447700900404", "SUN20");
        CardGifts.CardGift card = core.cardGifts.start(appeal, Money.ofPence(1_250));
        CardGifts.CardGift pending = core.cardGifts.start(appeal, Money.ofPounds(7));
        core.cardGifts.succeeded(card.requestId());
        core.giftAid.declare(token(olenaFirst), OLENA);
        core.giftAid.declare(card.giftAidToken(), JAMES);
        core.giftAid.declare(pending.giftAidToken(), JAMES);
        core.giftAid.declare(token(refunded), new Declaration("Dr", "Ann", "Lee", "1", "EH1 1YZ"));
        refund(refunded);

        GiftAidClaims.Schedule schedule = core.giftAidClaims.claimNext("sun-ukraine").orElseThrow();
        assertThat(schedule.rows()).extracting(GiftAidClaims.ScheduleRow::donationId)
                .containsExactlyInAnyOrder(olenaFirst, olenaSecond, card.donationId()).doesNotContain(undeclared, refunded, pending.donationId());
        assertThat(schedule.total()).isEqualTo(Money.ofPence(500 + 1_000 + 1_250));
        String today = UkCalendar.dayOf(Instant.now()).format(java.time.format.DateTimeFormatter.ofPattern("dd/MM/yy"));
        assertThat(schedule.csv().lines().toList()).first()
                .isEqualTo("Title,First name,Last name,House name or number,Postcode,Aggregated donations,Sponsored event,Donation date,Amount");
        assertThat(schedule.csv()).contains("Ms,Olena,Kovalenko,12,SW1A 1AA,,," + today + ",5.00\r\n", "Ms,Olena,Kovalenko,12,SW1A 1AA,,," + today + ",10.00\r\n",
                ",James,O'Neill,\"Rose Cottage, 4\",M1 1AE,,," + today + ",12.50\r\n");
        assertThat(core.giftAidClaims.claimNext("sun-ukraine")).as("never claimed twice").isEmpty();
        assertThat(core.giftAidClaims.schedule(schedule.batchId())).hasValue(schedule.csv());
        assertThat(core.giftAid.trail(olenaSecond)).extracting(AuditEntry::kind).containsExactly("CLAIMED");
        assertThat(core.giftAid.trail(olenaFirst)).extracting(AuditEntry::kind).containsExactly("DECLARED", "CLAIMED");

        core.cardGifts.succeeded(pending.requestId());
        core.giftAid.cancel(token(olenaFirst));
        long olenaThird = chargedText("447700900101", "SUN5");
        GiftAidClaims.Schedule next = core.giftAidClaims.claimNext("sun-ukraine").orElseThrow();
        assertThat(next.rows()).extracting(GiftAidClaims.ScheduleRow::donationId).containsExactly(pending.donationId()).doesNotContain(olenaThird);
    }

    private void refund(long donationId) {
        database.inTransactionVoid(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into journal (id, appeal_slug, kind, idempotency_key, donation_id, created_at, memo)"
                            + " values (nextval('journal_id_seq'), 'sun-ukraine', 'REFUND', ?, ?, now(), 'test refund')")) {
                insert.setString(1, "test-refund:" + donationId);
                insert.setLong(2, donationId);
                insert.executeUpdate();
            }
        });
    }

    @Test
    void oneFreeReminderGoesToEachTextDonorWhoHasNotDeclaredAfterTheAppealCloses() throws Exception {
        // Proves: before closing, or at night, nothing is sent; after closing each undeclared text donor gets exactly one free reminder
        // with their Gift Aid link (one per donor, however many gifts and passes), written to the outbox with its audit line;
        // declarers, donors who said STOP or gave with the no-contact keyword, and card donors get none.
        long twice = chargedText("447700900101", "SUN5");
        long twiceAgain = chargedText("447700900101", "SUN10");
        long declarer = chargedText("447700900202", "SUN5");
        chargedText("447700900303", "SUN5");
        chargedText("447700900505", "SUNNOINFO5");
        core.texts.submit(new InboundText("smpp", "stop1", PhoneNumber.parse("447700900303"), "70141", "STOP", "o2", Instant.now())).get();
        Fixtures.awaitActed(core.texts);
        core.cardGifts.succeeded(core.cardGifts.start(appeal, Money.ofPounds(5)).requestId());
        core.giftAid.declare(token(declarer), OLENA);
        long outboxBefore = ((Number) sql("select count(*) from outbox")).longValue();

        LocalDateTime closes = LocalDateTime.of(2027, 3, 31, 23, 59);
        AppealWebSettings web = new AppealWebSettings(AppealWebSettings.SUGGESTED_DEFAULT, Money.ofPounds(1), Money.ofPounds(1_000), false, closes,
                "The Sun", "0344 871 11 11");
        assertThat(reminders(web, closes.minusHours(1).withHour(12)).runOnce()).as("still open").isZero();
        assertThat(reminders(web, closes.plusDays(1).withHour(23)).runOnce()).as("night").isZero();
        GiftAidReminders afterClose = reminders(web, closes.plusDays(1).withHour(10));
        assertThat(afterClose.runOnce()).isEqualTo(1);
        assertThat(afterClose.runOnce()).as("once only").isZero();

        List<String> bodies = new ArrayList<>();
        database.inTransactionVoid(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select body, kind, price_pence from outbox order by id offset ?")) {
                select.setLong(1, outboxBefore);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        assertThat(rows.getString(2)).isEqualTo("REPLY");
                        assertThat(rows.getObject(3)).as("free").isNull();
                        bodies.add(rows.getString(1));
                    }
                }
            }
        });
        assertThat(bodies).singleElement().satisfies(body -> {
            assertThat(body).contains("Gift Aid", "British Red Cross", appeal.publicBaseUrl() + "/g/" + token(twiceAgain));
            assertThat(org.appealdesk.sms.TextCodec.fitsOneMessage(body)).isTrue();
            assertThat(body).doesNotContain("447700900");
        });
        assertThat(core.giftAid.trail(twiceAgain)).extracting(AuditEntry::kind).containsExactly("REMINDED");
        assertThat(core.giftAid.trail(twice)).isEmpty();
    }

    private GiftAidReminders reminders(AppealWebSettings web, LocalDateTime ukTime) {
        Instant at = ZonedDateTime.of(ukTime, UkCalendar.LONDON).toInstant();
        return new GiftAidReminders(database, core.catalog, slug -> web, InstantSource.fixed(at));
    }
}
