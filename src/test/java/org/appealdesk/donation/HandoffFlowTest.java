package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.appealdesk.app.Core;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages handed to the sender in memory, already claimed, on the real embedded PostgreSQL: what
 * the rows say, what the sender gets, and what happens to a message that is not taken in time.
 */
class HandoffFlowTest {

    private static final PhoneNumber ANNA = PhoneNumber.parse("447700900001");
    private static final PhoneNumber BEN = PhoneNumber.parse("447700900002");
    private static final PhoneNumber CARA = PhoneNumber.parse("447700900003");
    /** The shortest claim timeout ChargeSettings allows: messages then wait in the handoff at most 250 ms. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(1);

    private Database database;
    private Core core;

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        ChargeSettings charging = new ChargeSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), CLAIM_TIMEOUT, Map.of());
        core = new Core(database, Fixtures.catalog(10), Fixtures.vault(), charging, Core.Batching.defaults(), InstantSource.system(), Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        core.close();
    }

    @Test
    void withASenderPresentFreshMessagesAreWrittenClaimedAndHandedOverFromMemory() throws Exception {
        // Proves: once a sender claims, a text's billed message and a free reply are written SENDING (claimed_at set,
        // one attempt) and come to the sender from memory with the right number, price and request id; nothing is
        // PENDING, so the database claim cannot hand them out twice.
        assertThat(core.events.claim(10)).isEmpty();
        text(ANNA, "SUN5", "h1");
        text(BEN, "HELP", "h2");

        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'SENDING' and claimed_at is not null and attempts = 1"))
                .isEqualTo(2);
        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'PENDING'")).isZero();

        List<OutboundMessage> out = core.events.claim(10);
        assertThat(out).hasSize(2);
        OutboundMessage billed = out.stream().filter(OutboundMessage::isBilled).findFirst().orElseThrow();
        assertThat(billed.destination()).isEqualTo(ANNA);
        assertThat(billed.price().pence()).isEqualTo(500);
        assertThat(billed.requestId()).isEqualTo(requestIdOfPartFor(billed.id()));
        OutboundMessage help = out.stream().filter(m -> !m.isBilled()).findFirst().orElseThrow();
        assertThat(help.destination()).isEqualTo(BEN);
        assertThat(help.text()).isEqualTo(bodyOf(help.id()));
        assertThat(core.events.claim(10)).as("taken once").isEmpty();

        core.events.accepted(billed.id(), "hm-1");
        assertThat(TestDatabase.count(database, "select count(*) from outbox where id = " + billed.id() + " and state = 'SENT'")).isEqualTo(1);
    }

    @Test
    void withoutASenderMessagesAreWrittenPendingForTheDatabaseClaim() throws Exception {
        // Proves: an intake with no sender taking messages (intake-only node, binds down) writes PENDING rows as
        // before, and the first claim reads them from the database.
        text(ANNA, "SUN5", "p1");
        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'PENDING' and claimed_at is null and attempts = 0"))
                .isEqualTo(1);
        List<OutboundMessage> out = core.events.claim(10);
        assertThat(out).singleElement().extracting(OutboundMessage::destination).isEqualTo(ANNA);
        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'SENDING' and attempts = 1")).isEqualTo(1);
    }

    @Test
    void aMessageNotTakenInTimeIsMadeDueAgainNotSentFromMemory() throws Exception {
        // Proves: a message left waiting past its age limit (a quarter of the claim timeout) never leaves memory:
        // it is made PENDING again in the database, and the next claim reads it from there, a second attempt.
        assertThat(core.events.claim(10)).isEmpty();
        text(ANNA, "SUN5", "e1");
        long id = TestDatabase.count(database, "select id from outbox where state = 'SENDING'");
        awaitCount("select count(*) from outbox where state = 'PENDING' and id = " + id, 1);
        assertThat(core.events.handedOffWaiting()).isZero();

        List<OutboundMessage> out = core.events.claim(10);
        assertThat(out).singleElement().extracting(OutboundMessage::id).isEqualTo(id);
        assertThat(TestDatabase.count(database, "select attempts from outbox where id = " + id)).isEqualTo(2);
    }

    @Test
    void closingMakesWaitingMessagesDueAgain() throws Exception {
        // Proves: at shutdown, messages still waiting in memory are made PENDING, so the next start sends them
        // (not the janitor's UNKNOWN for a billed message that was never sent).
        assertThat(core.events.claim(10)).isEmpty();
        text(ANNA, "SUN5", "c1");
        text(BEN, "HELP", "c2");
        assertThat(core.events.handedOffWaiting()).isEqualTo(2);
        core.close();
        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'PENDING'")).isEqualTo(2);
        core = new Core(database, Fixtures.catalog(10), Fixtures.vault(), ChargeSettings.defaults(), Core.Batching.defaults(), InstantSource.system(),
                Duration.ofMillis(50));
    }

    @Test
    void thankYousWrittenTogetherKeepTheirOwnIdsAndNumbers() throws Exception {
        // Proves: thank-yous written by one charge-events batch with ids drawn by the insert are handed over each
        // with its own row's id (same body in the database) and the right donor's number, decrypted from the donor row.
        core.events.claim(10);
        text(ANNA, "SUN3", "t1");
        text(BEN, "SUN5", "t2");
        text(CARA, "SUN10", "t3");
        List<OutboundMessage> billed = core.events.claim(10);
        assertThat(billed).hasSize(3);
        List<ChargeEvent> receipts = new ArrayList<>();
        for (OutboundMessage message : billed) {
            core.events.accepted(message.id(), "tm-" + message.id());
            receipts.add(new ChargeEvent.Reported(new ChargeReport.Delivered("tm-" + message.id(), Instant.now())));
        }
        HandoffBatch batch = new HandoffBatch(core.events.handoff(), core.donors::open);
        database.inTransaction(connection -> core.events.applyBatch(connection, receipts, batch));
        batch.committed();

        List<OutboundMessage> thanks = core.events.claim(10);
        assertThat(thanks).hasSize(3).allSatisfy(m -> assertThat(m.text()).startsWith("Thank you for giving").isEqualTo(bodyOf(m.id())));
        assertThat(thanks.stream().filter(m -> m.text().contains("£3")).map(OutboundMessage::destination)).containsExactly(ANNA);
        assertThat(thanks.stream().filter(m -> m.text().contains("£5")).map(OutboundMessage::destination)).containsExactly(BEN);
        assertThat(thanks.stream().filter(m -> m.text().contains("£10")).map(OutboundMessage::destination)).containsExactly(CARA);
        assertThat(TestDatabase.count(database, "select count(*) from outbox where kind = 'THANK_YOU' and state = 'SENDING'")).isEqualTo(3);
    }

    @Test
    void messagesInTheDatabaseAreNotStarvedByFreshOnes() throws Exception {
        // Proves: with the handoff full, further messages are written PENDING; fresh messages in memory go first,
        // but after DATABASE_CLAIM_INTERVAL the database gets its share of a claim, and while it has a backlog
        // it gets half of every claim.
        core.close();
        core = new Core(database, Fixtures.catalog(10), Fixtures.vault(), ChargeSettings.defaults(), Core.Batching.defaults().withHandoffCapacity(1),
                InstantSource.system(), Duration.ofMillis(50));
        assertThat(core.events.claim(10)).isEmpty();
        text(ANNA, "HELP", "s1");
        text(BEN, "HELP", "s2");
        text(CARA, "HELP", "s3");
        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'PENDING'")).as("past the handoff's room").isEqualTo(2);

        Thread.sleep(ChargeEventService.DATABASE_CLAIM_INTERVAL.toMillis() + 50);
        assertThat(core.events.claim(1)).extracting(OutboundMessage::destination).as("the database's turn").containsExactly(BEN);
        assertThat(core.events.claim(2)).extracting(OutboundMessage::destination).as("half each while the database has a backlog")
                .containsExactlyInAnyOrder(ANNA, CARA);
    }

    private void text(PhoneNumber from, String body, String externalId) throws Exception {
        core.texts.submit(new InboundText("smpp", externalId, from, "70141", body, "o2", Instant.now())).get(10, TimeUnit.SECONDS);
    }

    private void awaitCount(String sql, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (TestDatabase.count(database, sql) != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(TestDatabase.count(database, sql)).isEqualTo(expected);
    }

    private String requestIdOfPartFor(long outboxId) {
        return string("select request_id from charge_part where outbox_id = ?", outboxId);
    }

    private String bodyOf(long outboxId) {
        return string("select body from outbox where id = ?", outboxId);
    }

    private String string(String sql, long id) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setLong(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getString(1) : null;
                }
            }
        });
    }
}
