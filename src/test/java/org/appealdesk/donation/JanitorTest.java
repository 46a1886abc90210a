package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.appealdesk.app.Core;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.MutableClock;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The janitor's questions since they no longer read an index on state (V8, V11), and the charge
 * part's and the outbox message's last changes made in place, on the real embedded PostgreSQL with the clock moved by hand.
 */
class JanitorTest {

    private static final PhoneNumber ANNA = PhoneNumber.parse("447700900001");
    private static final PhoneNumber BEN = PhoneNumber.parse("447700900002");
    private static final PhoneNumber CARA = PhoneNumber.parse("447700900003");
    private static final Duration REPORT_WAIT = Duration.ofSeconds(30);
    private static final ChargeSettings CHARGING = new ChargeSettings(REPORT_WAIT, Duration.ofMinutes(15), Duration.ofSeconds(30), Map.of());

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private Database database;
    private Core core;

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        core = Fixtures.core(database, Fixtures.catalog(10)).charging(CHARGING).clock(clock).start();
    }

    @AfterEach
    void stop() {
        core.close();
    }

    @Test
    void theOverdueQuestionReadsOnFromWhereItEndedAndFromTheStartEveryTenMinutes() throws Exception {
        // Proves: an overdue part is found; a part accepted later is found by the next look, which starts where the last ended;
        // a part whose acceptance was committed with a time the janitor had already passed (a node's clock behind) is missed by
        // that reading on, and found by the next look from the start, FULL_LOOK_EVERY later.
        accepted(ANNA, "j1");
        clock.advance(REPORT_WAIT.plusSeconds(1));
        assertThat(core.janitor.runOnce().reportsOverdue()).isEqualTo(1);
        assertThat(donationStateOf(ANNA)).isEqualTo("UNKNOWN");

        clock.advance(REPORT_WAIT.plusSeconds(1).negated());
        accepted(BEN, "j2"); // accepted "before" the time the janitor has read to
        clock.advance(REPORT_WAIT.plusSeconds(2));
        assertThat(core.janitor.runOnce().reportsOverdue()).as("reading on from where the last look ended").isZero();
        assertThat(donationStateOf(BEN)).isEqualTo("CHARGING");

        accepted(CARA, "j3");
        clock.advance(REPORT_WAIT.plusSeconds(1));
        assertThat(core.janitor.runOnce().reportsOverdue()).as("Cara's, accepted after the last look").isEqualTo(1);
        assertThat(donationStateOf(CARA)).isEqualTo("UNKNOWN");
        assertThat(donationStateOf(BEN)).isEqualTo("CHARGING");

        clock.advance(Janitor.FULL_LOOK_EVERY);
        assertThat(core.janitor.runOnce().reportsOverdue()).as("Ben's, found from the start").isEqualTo(1);
        assertThat(donationStateOf(BEN)).isEqualTo("UNKNOWN");
        assertThat(core.verifier.verify().passed()).isTrue();
    }

    @Test
    void aClockSteppedBackBringsTheFullLookForward() throws Exception {
        // Proves: when the clock goes back before the last full look (a mistaken step forward, then corrected), the next pass is a
        // full look, so a part accepted below where the reading on had got to is found at once, not after the clock catches up.
        clock.advance(Duration.ofDays(1));
        assertThat(core.janitor.runOnce().reportsOverdue()).isZero();
        clock.advance(Duration.ofDays(1).negated());
        accepted(ANNA, "s1");
        clock.advance(REPORT_WAIT.plusSeconds(1));
        assertThat(core.janitor.runOnce().reportsOverdue()).isEqualTo(1);
        assertThat(donationStateOf(ANNA)).isEqualTo("UNKNOWN");
        assertThatThrownBy(() -> new Janitor(database, core.events, CHARGING, clock, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPassThatStopsAtItsLimitIsContinuedByTheNext() throws Exception {
        // Proves: with two rows a pass, three parts accepted at the same instant are all found, two and then one, although the
        // second pass starts at the instant the first stopped at; a third pass finds nothing.
        Janitor janitor = new Janitor(database, core.events, CHARGING, clock, 2);
        accepted(ANNA, "k1");
        accepted(BEN, "k2");
        accepted(CARA, "k3");
        assertThat(TestDatabase.count(database, "select count(distinct submitted_at) from charge_part")).as("one instant").isEqualTo(1);
        clock.advance(REPORT_WAIT.plusSeconds(1));
        assertThat(janitor.runOnce().reportsOverdue()).isEqualTo(2);
        assertThat(janitor.runOnce().reportsOverdue()).isEqualTo(1);
        assertThat(janitor.runOnce().reportsOverdue()).isZero();
        assertThat(TestDatabase.count(database, "select count(*) from charge_part where state = 'UNKNOWN'")).isEqualTo(3);
    }

    @Test
    void aResolvedUnknownPartLeavesTheUnknownIndexAndKeepsItsHistory() throws Exception {
        // Proves: unknown_since is set with unknown_at when a part becomes UNKNOWN, and cleared when a late receipt charges it or the
        // janitor expires it, so the janitor's expiry question reads only parts that are UNKNOWN now; unknown_at stays as history.
        accepted(ANNA, "u1");
        accepted(BEN, "u2");
        clock.advance(REPORT_WAIT.plusSeconds(1));
        assertThat(core.janitor.runOnce().reportsOverdue()).isEqualTo(2);
        assertThat(partColumn(ANNA, "unknown_since is not null and unknown_since = unknown_at")).isEqualTo(true);
        assertThat(partColumn(BEN, "unknown_since is not null and unknown_since = unknown_at")).isEqualTo(true);

        core.events.submit(new ChargeReport.Delivered("m-u1", clock.instant())).get();
        assertThat(donationStateOf(ANNA)).isEqualTo("CHARGED");
        assertThat(partColumn(ANNA, "unknown_since is null and unknown_at is not null")).isEqualTo(true);

        clock.advance(CHARGING.unknownExpiry().plusSeconds(1));
        assertThat(core.janitor.runOnce().unknownsExpired()).isEqualTo(1);
        assertThat(donationStateOf(BEN)).isEqualTo("FAILED");
        assertThat(partColumn(BEN, "unknown_since is null and unknown_at is not null")).isEqualTo(true);
        assertThat(TestDatabase.count(database, "select count(*) from charge_part where unknown_since is not null")).isZero();
        assertThat(core.verifier.verify().passed()).isTrue();
    }

    @Test
    void aPartIsChargedInPlace() throws Exception {
        // Proves: the receipt's change to CHARGED is a HOT update of the part and of its donation (each row's new version is a
        // heap-only tuple: no index touched), while the acceptance before it, which sets the part's indexed message id, is not;
        // read from the pages themselves with pageinspect.
        database.inTransactionVoid(connection -> {
            try (Statement create = connection.createStatement()) {
                create.execute("create extension if not exists pageinspect");
            }
        });
        accepted(ANNA, "h1");
        assertThat(heapOnly(ANNA)).as("accepted: a new version in every index").isFalse();
        core.events.submit(new ChargeReport.Delivered("m-h1", clock.instant())).get();
        assertThat(donationStateOf(ANNA)).isEqualTo("CHARGED");
        assertThat(heapOnly(ANNA)).as("charged: in place").isTrue();
        assertThat(partColumn(ANNA, heapOnlyExpression("donation", "d"))).as("the donation charged: in place").isEqualTo(true);
    }

    @Test
    void theAbandonedClaimQuestionReadsOnFromWhereItEndedAndFromTheStartEveryTenMinutes() throws Exception {
        // Proves: a claimed message never answered is found once its claim times out (billed: UNKNOWN, its claim and due times
        // kept); a message claimed with a time the janitor had already passed (a node's clock behind) is missed by the reading
        // on from outbox.claimed_at (V11), and found by the next look from the start, FULL_LOOK_EVERY later.
        long first = claimedBilled(ANNA, "c1");
        clock.advance(CHARGING.claimTimeout().plusSeconds(1));
        assertThat(core.janitor.runOnce().claimsAbandoned()).isEqualTo(1);
        assertThat(outboxColumn(first, "state || ' ' || error || ' ' || (claimed_at is not null)")).isEqualTo("UNKNOWN claim abandoned true");
        assertThat(outboxColumn(first, "due_at = created_at")).as("due_at kept, so the change can be HOT").isEqualTo(true);

        clock.advance(CHARGING.claimTimeout().plusSeconds(1).negated());
        long behind = claimedBilled(BEN, "c2"); // claimed "before" the time the janitor has read to
        clock.advance(CHARGING.claimTimeout().plusSeconds(2));
        assertThat(core.janitor.runOnce().claimsAbandoned()).as("reading on from where the last look ended").isZero();
        assertThat(outboxColumn(behind, "state")).isEqualTo("SENDING");

        clock.advance(Janitor.FULL_LOOK_EVERY);
        assertThat(core.janitor.runOnce().claimsAbandoned()).as("Ben's, found from the start").isEqualTo(1);
        assertThat(outboxColumn(behind, "state")).isEqualTo("UNKNOWN");
        assertThat(core.verifier.verify().passed()).isTrue();
    }

    @Test
    void aFreeMessageWhoseClaimWasAbandonedIsUnclaimedAndSentAgain() throws Exception {
        // Proves: a thank-you claimed and never answered goes back to PENDING with claimed_at cleared, so the claim's index
        // (outbox_due_at: claimed_at is null, V11) holds it and the next claim takes it again, a second attempt.
        accepted(ANNA, "f1");
        core.events.submit(new ChargeReport.Delivered("m-f1", clock.instant())).get();
        OutboundMessage thanks = core.events.claim(10).stream().filter(m -> !m.isBilled()).findFirst().orElseThrow();
        clock.advance(CHARGING.claimTimeout().plusSeconds(1));
        assertThat(core.janitor.runOnce().claimsAbandoned()).isEqualTo(1);
        assertThat(outboxColumn(thanks.id(), "state || ' ' || (claimed_at is null)")).isEqualTo("PENDING true");

        assertThat(core.events.claim(10)).extracting(OutboundMessage::id).containsExactly(thanks.id());
        assertThat(outboxColumn(thanks.id(), "state || ' ' || attempts || ' ' || (claimed_at is not null)")).isEqualTo("SENDING 2 true");
    }

    @Test
    void aMessageMadeDueAgainByAnOlderNodeIsMadeClaimableByTheFullLook() throws Exception {
        // Proves: a thank-you put back to PENDING with its claim time kept (what code from before V11 does) is not claimed, as
        // the claim's index holds only unclaimed messages, until the janitor's next full look clears the claim time.
        accepted(ANNA, "o1");
        core.events.submit(new ChargeReport.Delivered("m-o1", clock.instant())).get();
        OutboundMessage thanks = core.events.claim(10).stream().filter(m -> !m.isBilled()).findFirst().orElseThrow();
        core.janitor.runOnce(); // the first look is a full one; the next full look is FULL_LOOK_EVERY away
        TestDatabase.execute(database, "update outbox set state = 'PENDING' where id = " + thanks.id());
        assertThat(core.events.claim(10)).as("claimed_at kept: not claimable").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        core.janitor.runOnce();
        assertThat(core.events.claim(10)).as("reading on: no repair").isEmpty();
        clock.advance(Janitor.FULL_LOOK_EVERY);
        core.janitor.runOnce();
        assertThat(core.events.claim(10)).extracting(OutboundMessage::id).containsExactly(thanks.id());
        assertThat(TestDatabase.count(database, "select count(*) from outbox where kind = 'CHARGE' and state = 'SENT' and claimed_at is not null"))
                .as("a sent message keeps its claim time").isEqualTo(1);
    }

    @Test
    void aMessageIsSentInPlace() throws Exception {
        // Proves: the change of a claimed message to SENT is a HOT update (its new version is a heap-only tuple: no index
        // touched), since no index of the outbox reads state any more (V11); read from the page itself with pageinspect.
        database.inTransactionVoid(connection -> {
            try (Statement create = connection.createStatement()) {
                create.execute("create extension if not exists pageinspect");
            }
        });
        long billed = claimedBilled(ANNA, "p1");
        assertThat(outboxColumn(billed, heapOnlyExpression("outbox", "o"))).as("claimed: as written").isEqualTo(false);
        core.events.accepted(billed, "m-p1").join();
        assertThat(outboxColumn(billed, "state")).isEqualTo("SENT");
        assertThat(outboxColumn(billed, heapOnlyExpression("outbox", "o"))).as("sent: in place").isEqualTo(true);
    }

    @Test
    void aFullLookFoldsTheStateCountsOfEndedConnectionsOnly() throws Exception {
        // Proves: the first look (a full one) folds a count row whose backend has ended into shard 0 and leaves the row of a
        // connection still open; a look that only reads on folds nothing; the next full look folds a row ended since then.
        // (The fold itself, with a real ended connection, is in StateCountsTest.)
        long ended = Integer.MAX_VALUE; // above any process id Linux gives (pid_max is at most 2^22)
        try (java.sql.Connection open = database.dataSource().getConnection()) {
            long live;
            try (Statement sql = open.createStatement(); ResultSet pid = sql.executeQuery("select pg_backend_pid()")) {
                pid.next();
                live = pid.getLong(1);
            }
            TestDatabase.execute(database, "insert into donation_state_count (appeal_slug, state, shard, donations) values ('sun-ukraine', 'CHARGING', " + ended + ", 3),"
                    + " ('sun-ukraine', 'CHARGING', " + live + ", 2)");
            core.janitor.runOnce();
            assertThat(shards()).containsExactly(Map.entry(0L, 3L), Map.entry(live, 2L));

            TestDatabase.execute(database, "insert into donation_state_count (appeal_slug, state, shard, donations) values ('sun-ukraine', 'CHARGING', " + ended + ", 4)");
            clock.advance(Duration.ofSeconds(1));
            core.janitor.runOnce();
            assertThat(shards()).as("reading on: no fold").containsEntry(ended, 4L);
            clock.advance(Janitor.FULL_LOOK_EVERY);
            core.janitor.runOnce();
            assertThat(shards()).containsExactly(Map.entry(0L, 7L), Map.entry(live, 2L));
        }
    }

    /** The CHARGING count of the appeal by shard, in shard order. */
    private Map<Long, Long> shards() {
        return database.inTransaction(connection -> {
            Map<Long, Long> shards = new java.util.LinkedHashMap<>();
            try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(
                    "select shard, donations from donation_state_count where appeal_slug = 'sun-ukraine' and state = 'CHARGING' order by shard")) {
                while (rows.next()) {
                    shards.put(rows.getLong(1), rows.getLong(2));
                }
            }
            return shards;
        });
    }

    /** A text that became a billed message the network accepted: its part is SUBMITTED at the clock's time. */
    private void accepted(PhoneNumber from, String id) throws Exception {
        core.events.accepted(claimedBilled(from, id), "m-" + id).join();
    }

    /** A text whose billed message was claimed by a sender, and never answered: the message's outbox id. */
    private long claimedBilled(PhoneNumber from, String id) throws Exception {
        core.texts.submit(new InboundText("smpp", id, from, "70141", "SUN5", "o2", clock.instant())).get();
        Fixtures.awaitActed(core.texts);
        return core.events.claim(10).stream().filter(OutboundMessage::isBilled).findFirst().orElseThrow().id();
    }

    private Object outboxColumn(long outboxId, String expression) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + expression + " from outbox o where o.id = ?")) {
                select.setLong(1, outboxId);
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).as("outbox row " + outboxId).isTrue();
                    return row.getObject(1);
                }
            }
        });
    }

    /** Whether the donor's part's current row version is a heap-only tuple (HEAP_ONLY_TUPLE, 0x8000 in t_infomask2). */
    private boolean heapOnly(PhoneNumber donor) {
        return (Boolean) partColumn(donor, heapOnlyExpression("charge_part", "p"));
    }

    /** Whether the current version of the row {@code alias} of {@code table} is a heap-only tuple, read from its page. */
    private static String heapOnlyExpression(String table, String alias) {
        return "(select (h.t_infomask2 & 32768) <> 0 from heap_page_items(get_raw_page('" + table + "', ((" + alias + ".ctid::text::point)[0])::int)) h"
                + " where h.lp = ((" + alias + ".ctid::text::point)[1])::int)";
    }

    private Object partColumn(PhoneNumber donor, String expression) {
        byte[] hash = Fixtures.vault().hash(donor);
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + expression
                    + " from charge_part p join donation d on d.id = p.donation_id join donor o on o.id = d.donor_id where o.phone_hash = ?")) {
                select.setBytes(1, hash);
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).as("the donor's part").isTrue();
                    return row.getObject(1);
                }
            }
        });
    }

    /** The state of the donor's donation (its part's state shows through it: CHARGING while SUBMITTED). */
    private String donationStateOf(PhoneNumber donor) {
        return (String) partColumn(donor, "d.state");
    }
}
