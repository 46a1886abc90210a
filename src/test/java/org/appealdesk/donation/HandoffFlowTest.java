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
import java.util.concurrent.TimeUnit;
import org.appealdesk.app.Core;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.TextIntake.IntakeOutcome;
import org.appealdesk.support.Eventually;
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
    /** Messages wait in the handoff at most 3 s: long enough that no test but the expiry one sees one expire. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(30);
    /** The shortest claim timeout ChargeSettings allows: messages then wait in the handoff at most 100 ms. */
    private static final Duration CLAIM_TIMEOUT_SHORTEST = Duration.ofSeconds(1);

    private Database database;
    private Core core;

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        core = core(CLAIM_TIMEOUT);
    }

    private Core core(Duration claimTimeout) {
        ChargeSettings charging = new ChargeSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), claimTimeout, Map.of());
        return Fixtures.core(database, Fixtures.catalog(10)).charging(charging).start();
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

        core.events.accepted(billed.id(), "hm-1").join();
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
        // Proves: a message left waiting past its age limit (a tenth of the claim timeout) never leaves memory:
        // it is made PENDING again in the database, and the next claim reads it from there, a second attempt.
        core.close();
        core = core(CLAIM_TIMEOUT_SHORTEST);
        assertThat(core.events.claim(10)).isEmpty();
        text(ANNA, "SUN5", "e1");
        long id = TestDatabase.count(database, "select id from outbox"); // the only message
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
        assertThat(core.events.claim(10)).as("a closed outbox claims nothing more").isEmpty();
        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'PENDING'")).isEqualTo(2);
        core = Fixtures.core(database, Fixtures.catalog(10)).start();
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
            core.events.accepted(message.id(), "tm-" + message.id()).join();
            receipts.add(new ChargeEvent.Reported(new ChargeReport.Delivered("tm-" + message.id(), Instant.now())));
        }
        HandoffBatch batch = new HandoffBatch(core.events.handoff(), core.donors::open, ids -> {
            throw new AssertionError("nothing should be orphaned: " + ids);
        });
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
        // Proves: past the handoff's room, messages are written PENDING; the database gets a share of a claim
        // every DATABASE_CLAIM_INTERVAL, claimed CLAIM_AHEAD at a time, and while it has a backlog (a full
        // claim) half of every claim is the database's, oldest first, even with fresh messages waiting.
        core.close();
        core = Fixtures.core(database, Fixtures.catalog(10)).batching(Core.Batching.defaults().withHandoffCapacity(4)).start();
        assertThat(core.events.claim(10)).isEmpty();
        int overflow = ChargeEventService.CLAIM_AHEAD + 4;
        // All at once: one by one, each text would wait for the acting stage's linger, and the first four would
        // outlive the handoff's age limit before the claim below.
        List<CompletableFuture<IntakeOutcome>> recorded = new ArrayList<>();
        for (int donor = 0; donor < 4 + overflow; donor++) {
            recorded.add(core.texts.submit(new InboundText("smpp", "s" + donor, donor(donor), "70141", "HELP", "o2", Instant.now())));
        }
        for (CompletableFuture<IntakeOutcome> outcome : recorded) {
            outcome.get(10, TimeUnit.SECONDS);
        }
        Fixtures.awaitActed(core.texts);
        assertThat(TestDatabase.count(database, "select count(*) from outbox where state = 'PENDING'")).as("past the handoff's room").isEqualTo(overflow);

        Thread.sleep(ChargeEventService.DATABASE_CLAIM_INTERVAL.toMillis() + 50);
        assertThat(core.events.claim(8)).extracting(OutboundMessage::destination).as("the database's quarter, the four in memory, the rest")
                .containsExactly(donor(4), donor(5), donor(0), donor(1), donor(2), donor(3), donor(6), donor(7));
        int fresh = 4 + overflow;
        for (int donor = fresh; donor < fresh + 4; donor++) {
            text(donor(donor), "HELP", "s" + donor);
        }
        assertThat(core.events.claim(8)).extracting(OutboundMessage::destination).as("a backlog: half from the database, though four fresh ones wait")
                .containsExactly(donor(8), donor(9), donor(10), donor(11), donor(fresh), donor(fresh + 1), donor(fresh + 2), donor(fresh + 3));
    }

    @Test
    void messagesClaimedAheadAndNotTakenAreMadeDueAgain() throws Exception {
        // Proves: messages claimed from the database ahead of the sender, then not taken (the sender stopped),
        // go back to PENDING after the age limit rather than waiting for the janitor.
        core.close();
        core = core(CLAIM_TIMEOUT_SHORTEST);
        text(ANNA, "HELP", "a1");
        text(BEN, "HELP", "a2");
        assertThat(core.events.claim(1)).hasSize(1);
        // The other was claimed ahead (one attempt) and, not taken within 100 ms, is due again.
        awaitCount("select count(*) from outbox where state = 'PENDING' and attempts = 1", 1);
        assertThat(core.events.claim(10)).hasSize(1);
    }

    private static PhoneNumber donor(int n) {
        return PhoneNumber.parse("447700900" + String.format("%03d", n));
    }

    @Test
    void aBatchWhoseCommitFailedAfterTheServerMadeItDurableHasItsMessagesMadeDueAgain() throws Exception {
        // Proves: when a commit's outcome is unknown (the connection dropped after the server committed), the
        // writer's rollback path cannot know whether the claimed rows exist; it makes their ids due again, so the
        // thank-yous are sent from the database rather than left for the janitor.
        core.events.claim(10);
        text(ANNA, "SUN5", "r1");
        OutboundMessage charge = core.events.claim(10).getFirst();
        core.events.accepted(charge.id(), "rm-1").join();
        List<Long> orphaned = new ArrayList<>();
        HandoffBatch batch = new HandoffBatch(core.events.handoff(), core.donors::open, ids -> {
            orphaned.addAll(ids);
            core.events.makeDueAgain(ids);
        });
        batch.begin();
        database.inTransaction(connection -> core.events.applyBatch(connection,
                List.of(new ChargeEvent.Reported(new ChargeReport.Delivered("rm-1", Instant.now()))), batch));
        batch.rolledBack(); // as GroupCommitter does when inTransaction throws after the COMMIT went through
        assertThat(orphaned).hasSize(1);
        assertThat(core.events.handedOffWaiting()).isZero();

        core.events.returnOrphans(); // the expiry thread's pass, run now (the thread itself may be the one that does it)
        awaitCount("select count(*) from outbox where kind = 'THANK_YOU' and state = 'PENDING' and id = " + orphaned.getFirst(), 1);
        assertThat(core.events.claim(10)).singleElement().extracting(OutboundMessage::destination).isEqualTo(ANNA);
    }

    private void text(PhoneNumber from, String body, String externalId) throws Exception {
        core.texts.submit(new InboundText("smpp", externalId, from, "70141", body, "o2", Instant.now())).get(10, TimeUnit.SECONDS);
        Fixtures.awaitActed(core.texts);
    }

    private void awaitCount(String sql, long expected) throws InterruptedException {
        Eventually.holds(Duration.ofSeconds(10), () -> TestDatabase.count(database, sql) == expected);
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
