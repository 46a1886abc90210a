package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.appealdesk.app.Core;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.TextIntake.IntakeOutcome;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.MutableClock;
import org.appealdesk.support.TestDatabase;
import org.appealdesk.totals.AppealTotals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The core from text to ledger on the real embedded PostgreSQL, with the network's answers given by hand. */
class ChargingFlowTest {

    private static final PhoneNumber ANNA = PhoneNumber.parse("447700900001");
    private static final PhoneNumber BEN = PhoneNumber.parse("447700900002");
    private static final PhoneNumber CARA = PhoneNumber.parse("447700900003");
    private static final PhoneNumber DEV = PhoneNumber.parse("447700900004");

    private Database database;
    private Core core;

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        ChargeSettings charging = Fixtures.chargingSplitOnThree();
        core = Fixtures.core(database, Fixtures.catalog(10)).charging(charging).start();
    }

    @AfterEach
    void stop() {
        core.close();
    }

    private IntakeOutcome text(PhoneNumber from, String body, String externalId, String network) throws Exception {
        IntakeOutcome outcome = core.texts.submit(new InboundText("smpp", externalId, from, "70141", body, network, Instant.now())).get();
        Fixtures.awaitActed(core.texts);
        return outcome;
    }

    @Test
    void giftsAreChargedOnceBookedWithOverflowAndVerified() throws Exception {
        // Proves: valid gifts become charges with stored request ids, redelivered texts change nothing, unknown keywords are never charged,
        // a split gift is charged when both parts are, the designated fund stops at its cap with surplus to overflow, and verify passes.
        assertThat(text(ANNA, "SUN£5", "mo-1", "o2")).isEqualTo(IntakeOutcome.RECORDED);
        assertThat(text(ANNA, "SUN£5", "mo-1", "o2")).isEqualTo(IntakeOutcome.DUPLICATE);
        text(BEN, "sun 10", "mo-2", "ee");
        text(CARA, "SUNN5", "mo-3", "ee");
        text(DEV, "SUN 20", "mo-4", "three");

        List<OutboundMessage> out = core.events.claim(100);
        List<OutboundMessage> billed = out.stream().filter(OutboundMessage::isBilled).toList();
        assertThat(billed).extracting(m -> m.price().pence()).containsExactlyInAnyOrder(500L, 1000L, 1000L, 1000L);
        assertThat(billed).allSatisfy(m -> assertThat(m.requestId()).startsWith("ap").hasSizeLessThanOrEqualTo(80));
        assertThat(out.stream().filter(m -> !m.isBilled()).map(OutboundMessage::destination)).containsExactly(CARA);

        // Reports may overtake acceptances: deliver Ben's report first, then accept everything.
        List<CompletableFuture<Void>> early = new ArrayList<>();
        int n = 0;
        for (OutboundMessage message : billed) {
            String id = "msg-" + (n++);
            if (message.destination().equals(BEN)) {
                early.add(core.events.submit(new ChargeReport.Declined(id, Instant.now(), "INSUFFICIENT_FUNDS", false)));
            }
        }
        for (CompletableFuture<Void> f : early) {
            f.get();
        }
        n = 0;
        for (OutboundMessage message : billed) {
            core.events.accepted(message.id(), "msg-" + (n++)).join();
        }
        n = 0;
        for (OutboundMessage message : billed) {
            String id = "msg-" + (n++);
            if (!message.destination().equals(BEN)) {
                core.events.submit(new ChargeReport.Delivered(id, Instant.now())).get();
                core.events.submit(new ChargeReport.Delivered(id, Instant.now())).get(); // duplicate receipt
            }
        }

        assertThat(stateOf(ANNA)).isEqualTo("CHARGED");
        assertThat(stateOf(BEN)).isEqualTo("FAILED");
        assertThat(stateOf(DEV)).isEqualTo("CHARGED");
        assertThat(core.verifier.verify().passed()).isTrue();

        core.totals.refreshNow();
        AppealTotals totals = core.totals.totals("sun-ukraine").orElseThrow();
        assertThat(totals.chargedPence()).isEqualTo(2_500);
        assertThat(totals.donationCount()).isEqualTo(2);
        assertThat(totals.fundPence()).containsEntry("ukraine-crisis", 1_000L).containsEntry("disaster-fund", 1_500L);
        assertThat(totals.failedCount()).isEqualTo(1);

        // Thank-yous for the two charged gifts and a safety-net text for Ben, all free.
        List<OutboundMessage> replies = core.events.claim(100);
        assertThat(replies).noneMatch(OutboundMessage::isBilled);
        assertThat(replies.stream().filter(m -> m.text().startsWith("Thank you for giving"))).hasSize(2);
        assertThat(replies.stream().filter(m -> m.destination().equals(BEN)).map(OutboundMessage::text)).singleElement().asString().contains("not been charged");
    }

    @Test
    void anAcceptanceAndItsReportsInOneBatchChargeOnceAndLinkThePartInOneWrite() throws Exception {
        // Proves: in a single batch, a report that comes before its acceptance, the acceptance, and a duplicate of the
        // report charge the gift once; the part gets its message id and final state; the report is stored applied.
        text(ANNA, "SUN£5", "mo-1", "o2");
        OutboundMessage billed = core.events.claim(10).stream().filter(OutboundMessage::isBilled).findFirst().orElseThrow();
        List<ChargeEvent> batch = List.of(
                new ChargeEvent.Reported(new ChargeReport.Delivered("m-1", Instant.now())),
                new ChargeEvent.Accepted(billed.id(), "m-1"),
                new ChargeEvent.Reported(new ChargeReport.Delivered("m-1", Instant.now())));
        List<Boolean> changed = database.inTransaction(connection -> core.events.applyBatch(connection, batch));

        assertThat(changed).hasSize(3).element(1).isEqualTo(true);
        assertThat(stateOf(ANNA)).isEqualTo("CHARGED");
        database.inTransactionVoid(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select p.network_message_id, p.state, p.submitted_at is not null, r.applied_at is not null, r.repeats, o.state"
                            + " from charge_part p join charge_report r on r.network_message_id = p.network_message_id"
                            + " join outbox o on o.id = p.outbox_id");
                 ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("m-1");
                assertThat(row.getString(2)).isEqualTo("CHARGED");
                assertThat(row.getBoolean(3)).as("submitted_at set").isTrue();
                assertThat(row.getBoolean(4)).as("report stored applied").isTrue();
                assertThat(row.getInt(5)).as("the duplicate is counted").isEqualTo(1);
                assertThat(row.getString(6)).isEqualTo("SENT");
                assertThat(row.next()).isFalse();
            }
        });
        assertThat(core.verifier.verify().passed()).isTrue();
        assertThat(core.events.claim(10)).singleElement().satisfies(m -> assertThat(m.text()).startsWith("Thank you for giving"));
    }

    @Test
    void oneBatchOfEveryKindOfTextWritesEachRowOnceWithIdsReservedUpFront() throws Exception {
        // Proves: a single intake batch holding a split gift, a gift refused at the daily cap, a redelivery inside the batch, an
        // unrecognised text, STOP, HELP and an amount not offered writes every donation, part and message once, each part linked to
        // its own billed message, with the ids reserved before the texts were decided on (TextIntakeService.reserveIds).
        core.close();
        ChargeSettings charging = Fixtures.chargingSplitOnThree();
        Core.Batching lingering = new Core.Batching(new GroupCommitter.Settings("text-intake", 500, 20_000, Duration.ofMillis(300)), 1,
                Core.Batching.defaults().events(), Core.Batching.defaults().handoffCapacity());
        core = Fixtures.core(database, Fixtures.catalog(10)).charging(charging).batching(lingering).start();
        PhoneNumber eve = PhoneNumber.parse("447700900005");
        List<CompletableFuture<IntakeOutcome>> outcomes = new ArrayList<>();
        for (InboundText text : List.of(
                new InboundText("smpp", "b-1", ANNA, "70141", "SUN 20", "three", Instant.now()),
                new InboundText("smpp", "b-2", ANNA, "70141", "SUN 20", "three", Instant.now()),
                new InboundText("smpp", "b-3", BEN, "70141", "SUN5", "o2", Instant.now()),
                new InboundText("smpp", "b-3", BEN, "70141", "SUN5", "o2", Instant.now()),
                new InboundText("smpp", "b-4", CARA, "70141", "SUNN5", "ee", Instant.now()),
                new InboundText("smpp", "b-5", DEV, "70141", "STOP", "ee", Instant.now()),
                new InboundText("smpp", "b-6", DEV, "70141", "HELP", "ee", Instant.now()),
                new InboundText("smpp", "b-7", eve, "70141", "SUN 7", "vodafone", Instant.now()))) {
            outcomes.add(core.texts.submit(text));
        }
        List<IntakeOutcome> seen = new ArrayList<>();
        for (CompletableFuture<IntakeOutcome> outcome : outcomes) {
            seen.add(outcome.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertThat(seen).containsExactly(IntakeOutcome.RECORDED, IntakeOutcome.RECORDED, IntakeOutcome.RECORDED, IntakeOutcome.DUPLICATE,
                IntakeOutcome.RECORDED, IntakeOutcome.RECORDED, IntakeOutcome.RECORDED, IntakeOutcome.RECORDED);
        assertThat(core.texts.stats().batches()).as("all eight texts recorded in one transaction").isEqualTo(1);
        Fixtures.awaitActed(core.texts);
        assertThat(core.texts.actingStats().batches()).as("and acted on in one").isEqualTo(1);

        assertThat(TestDatabase.count(database, "select count(*) from inbound_message")).isEqualTo(7);
        assertThat(TestDatabase.count(database, "select count(*) from donation where state = 'CHARGING'")).isEqualTo(2);
        assertThat(TestDatabase.count(database, "select count(*) from donation where state = 'REJECTED' and reason = 'DAILY_CAP'")).isEqualTo(1);
        assertThat(TestDatabase.count(database, "select count(*) from charge_part")).isEqualTo(3);
        assertThat(TestDatabase.count(database, "select count(*) from outbox where kind = 'CHARGE'")).isEqualTo(3);
        assertThat(TestDatabase.count(database, "select count(*) from outbox where kind = 'REPLY'"))
                .as("the cap, the unrecognised text, STOP, HELP and the amount not offered").isEqualTo(5);
        assertThat(TestDatabase.count(database, "select count(*) from charge_part p join outbox o on o.id = p.outbox_id"
                + " where o.kind = 'CHARGE' and o.request_id = p.request_id and o.price_pence = p.amount_pence")).as("each part with its own message")
                .isEqualTo(3);
        assertThat(TestDatabase.count(database, "select count(*) from charge_part p join donation d on d.id = p.donation_id"
                + " where d.state = 'CHARGING'")).isEqualTo(3);
        List<OutboundMessage> out = core.events.claim(100);
        assertThat(out.stream().filter(OutboundMessage::isBilled).map(m -> m.price().pence())).containsExactlyInAnyOrder(1000L, 1000L, 500L);
        assertThat(core.verifier.verify().passed()).isTrue();
    }

    @Test
    void theDailyCapRefusesBeforeCharging() throws Exception {
        // Proves: a number that has £30 in flight today cannot start another gift; the over-cap text gets a free explanation and no charge.
        text(ANNA, "SUN10", null, "o2");
        text(ANNA, "SUN20", null, "o2");
        text(ANNA, "SUN3", null, "o2");
        List<OutboundMessage> out = core.events.claim(100);
        assertThat(out.stream().filter(OutboundMessage::isBilled).map(m -> m.price().pence())).containsExactlyInAnyOrder(1000L, 2000L);
        assertThat(out.stream().filter(m -> !m.isBilled()).map(OutboundMessage::text)).singleElement().asString().contains("limit");
    }

    @Test
    void silenceBecomesUnknownNeverChargedAndALateReceiptSettlesIt() throws Exception {
        // Proves: no submit response makes a charge UNKNOWN (uncounted, not re-sent); a late DELIVRD report then books it exactly once.
        text(ANNA, "SUN5", "x1", "o2");
        OutboundMessage charge = core.events.claim(10).getFirst();
        core.events.noAnswer(charge.id()).join();
        assertThat(stateOf(ANNA)).isEqualTo("UNKNOWN");
        assertThat(core.events.claim(10)).isEmpty();
        core.totals.refreshNow();
        assertThat(core.totals.totals("sun-ukraine").orElseThrow().chargedPence()).isZero();
        assertThat(core.totals.totals("sun-ukraine").orElseThrow().unknownCount()).isEqualTo(1);

        // The network did accept it after all: the receipt arrives but its message id was never recorded, so it waits.
        core.events.submit(new ChargeReport.Delivered("lost-1", Instant.now())).get();
        assertThat(stateOf(ANNA)).isEqualTo("UNKNOWN");
        assertThat(core.verifier.verify().passed()).isTrue();
    }

    @Test
    void theJanitorTurnsOverdueReportsIntoUnknownAndExpiresThem() throws Exception {
        // Proves: with a clock moved past the report wait and the expiry, the janitor moves a silent part to UNKNOWN and then to not charged.
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        core.close();
        ChargeSettings charging = new ChargeSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(30), Map.of());
        core = Fixtures.core(database, Fixtures.catalog(10)).charging(charging).clock(clock).start();
        text(ANNA, "SUN5", "j1", "o2");
        OutboundMessage charge = core.events.claim(10).getFirst();
        core.events.accepted(charge.id(), "m-j1").join();
        clock.advance(Duration.ofSeconds(31));
        assertThat(core.janitor.runOnce().reportsOverdue()).isEqualTo(1);
        assertThat(stateOf(ANNA)).isEqualTo("UNKNOWN");
        clock.advance(Duration.ofMinutes(6));
        assertThat(core.janitor.runOnce().unknownsExpired()).isEqualTo(1);
        assertThat(stateOf(ANNA)).isEqualTo("FAILED");
        // A receipt after expiry changes nothing: the part is final.
        core.events.submit(new ChargeReport.Delivered("m-j1", clock.instant())).get();
        assertThat(stateOf(ANNA)).isEqualTo("FAILED");
        assertThat(core.verifier.verify().passed()).isTrue();
    }

    @Test
    void stopAndNoContactAreRecordedPerOrganisationAndConfirmedFree() throws Exception {
        // Proves: STOP ends all messages and is confirmed free; SUNNOINFO5 gives but opts out of contact; a plain SUN5 is the
        // charity's opt-in only (never the publisher's); each statement is kept as an audit row.
        text(ANNA, "STOP", "c1", "o2");
        text(BEN, "SUNNOINFO5", "c2", "o2");
        text(CARA, "sun5", "c3", "o2");
        assertThat(donorColumn(ANNA, "stopped_at")).isNotNull();
        assertThat(donorColumn(ANNA, "no_contact_at")).isNotNull();
        assertThat(donorColumn(BEN, "stopped_at")).isNull();
        assertThat(donorColumn(BEN, "no_contact_at")).isNotNull();
        assertThat(donorColumn(CARA, "no_contact_at")).isNull();
        assertThat(consents(CARA)).containsExactly("British Red Cross=true");
        assertThat(consents(BEN)).containsExactly("British Red Cross=false");
        assertThat(consents(ANNA)).containsExactly("*=false");
        List<OutboundMessage> out = core.events.claim(10);
        assertThat(out.stream().filter(m -> m.destination().equals(ANNA)).map(OutboundMessage::text)).singleElement().asString().contains("no more messages");
        assertThat(out.stream().filter(m -> m.destination().equals(BEN)).map(OutboundMessage::isBilled)).containsExactly(true);
    }

    private Object donorColumn(PhoneNumber number, String column) {
        byte[] hash = Fixtures.vault().hash(number);
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + column + " from donor where phone_hash = ?")) {
                select.setBytes(1, hash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getObject(1) : "no donor";
                }
            }
        });
    }

    private List<String> consents(PhoneNumber number) {
        byte[] hash = Fixtures.vault().hash(number);
        return database.inTransaction(connection -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select c.organisation, c.granted from contact_consent c join donor d on d.id = c.donor_id where d.phone_hash = ? order by c.stated_at")) {
                select.setBytes(1, hash);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        rows.add(row.getString(1) + "=" + row.getBoolean(2));
                    }
                }
            }
            return rows;
        });
    }

    private String stateOf(PhoneNumber number) {
        byte[] hash = Fixtures.vault().hash(number);
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select d.state from donation d join donor o on o.id = d.donor_id where o.phone_hash = ? order by d.id desc limit 1")) {
                select.setBytes(1, hash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getString(1) : null;
                }
            }
        });
    }
}
