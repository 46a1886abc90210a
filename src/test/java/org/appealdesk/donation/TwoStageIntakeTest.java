package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.appealdesk.app.Core;
import org.appealdesk.app.Summary;
import org.appealdesk.donor.Donors;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.PhoneNumber;
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
 * The two stages of text intake on the real embedded PostgreSQL: a text is acknowledged once it is
 * recorded, acted on behind that exactly once, found again after a crash, kept in the database
 * in order of arrival while the acting stage is behind, and refused once it is too far behind.
 */
class TwoStageIntakeTest {

    private static final PhoneNumber ANNA = PhoneNumber.parse("447700900001");
    private static final PhoneNumber BEN = PhoneNumber.parse("447700900002");
    private static final ChargeSettings CHARGING = Fixtures.chargingSplitOnThree();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Database database;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closing.reversed()) {
            closeable.close();
        }
    }

    private Core core() {
        Core core = Fixtures.core(database, Fixtures.catalog(10)).charging(CHARGING).start();
        closing.add(core);
        return core;
    }

    private static InboundText text(PhoneNumber from, String externalId, String body) {
        return new InboundText("smpp", externalId, from, "70141", body, "o2", Instant.now());
    }

    private long count(String sql) {
        return TestDatabase.count(database, sql);
    }

    /** Waits, up to {@link #WAIT}, until no recorded text waits in text_pending (a sweep, here or in the background, took them). */
    private void awaitNoTextPending() throws InterruptedException {
        Eventually.holds(WAIT, () -> count("select count(*) from text_pending") == 0);
    }

    @Test
    void aTextIsActedOnOnceBehindItsAcknowledgementAndItsPendingRowGoes() throws Exception {
        // Proves: acknowledgement means recorded with a pending row; acting writes the donation, its part and billed message
        // and the free reply, and removes the pending row; a redelivery after that changes nothing.
        Core core = core();
        assertThat(core.texts.submit(text(ANNA, "a-1", "SUN5")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
        assertThat(core.texts.submit(text(BEN, "b-1", "HELP")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
        assertThat(core.texts.awaitActed(WAIT)).isTrue();

        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(count("select count(*) from donation where state = 'CHARGING' and amount_pence = 500")).isEqualTo(1);
        assertThat(count("select count(*) from outbox where kind = 'CHARGE'")).isEqualTo(1);
        assertThat(count("select count(*) from outbox where kind = 'REPLY'")).as("the help reply").isEqualTo(1);
        assertThat(count("select count(*) from contact_consent")).as("the gift's consent statement").isEqualTo(1);

        assertThat(core.texts.submit(text(ANNA, "a-1", "SUN5")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.DUPLICATE);
        assertThat(core.texts.awaitActed(WAIT)).isTrue();
        assertThat(core.texts.sweepPending(Duration.ZERO)).as("nothing left for the sweep").isZero();
        assertThat(count("select count(*) from donation")).isEqualTo(1);
        assertThat(count("select count(*) from outbox")).isEqualTo(2);
        assertThat(core.texts.actingStats().items()).as("the redelivery never reached the acting stage").isEqualTo(2);
    }

    @Test
    void textsRecordedBeforeACrashAreActedOnAfterTheRestartFromTheDonorsStoredNumber() throws Exception {
        // Proves: what a crashed node recorded and acknowledged but never acted on (its pending rows, left older than the sweep's
        // grace) is acted on by the next start's sweep, with replies to the donor's stored number; nothing is acted on twice.
        Donors donors = new Donors(Fixtures.vault());
        long annaId = database.inTransaction(c -> donors.resolve(c, List.of(ANNA), Instant.now()).get(ANNA));
        long benId = database.inTransaction(c -> donors.resolve(c, List.of(BEN), Instant.now()).get(BEN));
        database.inTransactionVoid(c -> {
            recordAsACrashedNodeDid(c, 901, annaId, "SUN10", "DONATE");
            recordAsACrashedNodeDid(c, 902, benId, "STOP", "STOP");
        });

        assertThat(Summary.read(database).textsWaiting()).as("the finance summary shows them").isEqualTo(2);
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        Summary.read(database).print(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Not yet acted on:    2");

        Core core = core();  // its sweep runs at start
        awaitNoTextPending();
        assertThat(core.texts.awaitActed(WAIT)).isTrue();
        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(count("select count(*) from donation where inbound_id = 901 and state = 'CHARGING' and amount_pence = 1000")).isEqualTo(1);
        assertThat(count("select count(*) from donor where id = " + benId + " and stopped_at is not null")).isEqualTo(1);

        List<OutboundMessage> out = core.events.claim(100);
        assertThat(out).hasSize(2);
        assertThat(out.stream().filter(OutboundMessage::isBilled).map(OutboundMessage::destination)).containsExactly(ANNA);
        assertThat(out.stream().filter(m -> !m.isBilled()).map(OutboundMessage::destination)).containsExactly(BEN);

        assertThat(core.texts.sweepPending(Duration.ZERO)).isZero();
        assertThat(count("select count(*) from donation")).isEqualTo(1);
    }

    @Test
    void aCrashsBacklogOfSeveralSweepPagesIsActedOnWhole() throws Exception {
        // Proves: a backlog a crash left that fills several sweep pages (2,500 texts, pages of 1,000) is found again page after
        // page and each text is acted on once.
        int donorCount = 250;
        int texts = TextActing.SWEEP_ROWS_MAX * 5 / 2;
        Donors donors = new Donors(Fixtures.vault());
        List<PhoneNumber> numbers = new ArrayList<>();
        for (int i = 0; i < donorCount; i++) {
            numbers.add(PhoneNumber.parse("44770091" + String.format("%04d", i)));
        }
        database.inTransactionVoid(c -> {
            Long[] donorIds = donors.resolve(c, numbers, Instant.now()).values().toArray(new Long[0]);
            // Ten texts of SUN3 a donor: within the daily cap of £30.
            try (PreparedStatement insert = c.prepareStatement("insert into inbound_message (id, channel, external_id, donor_id,"
                    + " destination, body, network, command, received_at) select 5000 + g, 'smpp', 'crashed-' || (5000 + g),"
                    + " (?::bigint[])[1 + g % ?], '70141', 'SUN3', 'o2', 'DONATE', now() from generate_series(0, ? - 1) g")) {
                insert.setArray(1, c.createArrayOf("bigint", donorIds));
                insert.setInt(2, donorCount);
                insert.setInt(3, texts);
                insert.executeUpdate();
            }
            try (PreparedStatement pending = c.prepareStatement("insert into text_pending (inbound_id, recorded_at)"
                    + " select 5000 + g, now() - interval '1 minute' from generate_series(0, ? - 1) g")) {
                pending.setInt(1, texts);
                pending.executeUpdate();
            }
        });

        Core core = core();
        awaitNoTextPending();
        assertThat(core.texts.awaitActed(WAIT)).isTrue();
        assertThat(count("select count(*) from donation where state = 'CHARGING'")).isEqualTo(texts);
        assertThat(count("select count(distinct inbound_id) from donation")).isEqualTo(texts);
    }

    /** What the first stage writes for one text, with the pending row a minute old (older than the sweep's grace). */
    private static void recordAsACrashedNodeDid(Connection connection, long inboundId, long donorId, String body, String command)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into inbound_message (id, channel, external_id, donor_id,"
                + " destination, body, network, command, received_at) values (?, 'smpp', ?, ?, '70141', ?, 'o2', ?, now())")) {
            insert.setLong(1, inboundId);
            insert.setString(2, "crashed-" + inboundId);
            insert.setLong(3, donorId);
            insert.setString(4, body);
            insert.setString(5, command);
            insert.executeUpdate();
        }
        try (PreparedStatement pending = connection.prepareStatement(
                "insert into text_pending (inbound_id, recorded_at) values (?, now() - interval '1 minute')")) {
            pending.setLong(1, inboundId);
            pending.executeUpdate();
        }
    }

    @Test
    void aTextWhoseDonorAnotherNodeCreatesAtTheSameMomentIsRecordedAgainstThatDonor() throws Exception {
        // Proves: when another transaction inserts the same new donor while a batch's one statement runs, that statement
        // waits, finds neither the donor nor room to create it, and the text is recorded in the second round trip against
        // the other node's donor; the batch's other texts are recorded as usual.
        // Both texts in one batch: its writer lingers 300 ms for more.
        Core.Batching lingering = new Core.Batching(new GroupCommitter.Settings("text-intake", 500, 20_000, Duration.ofMillis(300)), 1,
                Core.Batching.defaults().events(), Core.Batching.defaults().handoffCapacity());
        Core core = Fixtures.core(database, Fixtures.catalog(10)).charging(CHARGING).batching(lingering).start();
        closing.add(core);
        Donors donors = new Donors(Fixtures.vault());
        try (Connection otherNode = database.dataSource().getConnection()) {
            otherNode.setAutoCommit(false);
            long annaId = donors.resolve(otherNode, List.of(ANNA), Instant.now()).get(ANNA);
            CompletableFuture<IntakeOutcome> anna = core.texts.submit(text(ANNA, "race-1", "SUN3"));
            CompletableFuture<IntakeOutcome> ben = core.texts.submit(text(BEN, "race-2", "SUN3"));
            Thread.sleep(800);
            assertThat(anna).as("waiting on the other node's uncommitted donor").isNotDone();
            otherNode.commit();
            assertThat(anna.get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            assertThat(ben.get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            assertThat(core.texts.stats().batches()).as("one transaction, not a failed batch retried text by text").isEqualTo(1);
            Fixtures.awaitActed(core.texts);
            assertThat(count("select donor_id from inbound_message where external_id = 'race-1'")).isEqualTo(annaId);
        }
        assertThat(count("select count(*) from donor")).isEqualTo(2);
        assertThat(count("select count(*) from donation where state = 'CHARGING'")).isEqualTo(2);
        assertThat(count("select count(*) from text_pending")).isZero();
    }

    @Test
    void theSweepPagesPastRowsItAlreadyHolds() throws Exception {
        // Proves: a sweep page made only of texts already held (their batch waiting on a donor's lock) hands the next page
        // the place after it, so the rows behind are reached; once the lock goes, every text is acted on once.
        Donors donors = new Donors(Fixtures.vault());
        // Started first, so what follows is not pending at its start (that would be taken at once, before any new text).
        TextIntakeService intake = new TextIntakeService(database, Fixtures.catalog(10), donors, CHARGING, InstantSource.system(),
                Core.Batching.defaults().texts(), 1, TextIntakeService.ACTING_LINGER_DEFAULT, null);
        closing.add(intake);
        // Just recorded: younger than the background sweep's grace, so left to this test's sweeps.
        List<Long> donorIds = giftsLeftByACrash(donors, 3, 801, "4477009020", true);
        try (Connection holder = lockDonor(donorIds.getFirst())) {
            TextActing.Swept first = intake.sweepPending(Duration.ZERO, 1, 0);
            assertThat(first).as("801, whose batch then waits on the lock").isEqualTo(new TextActing.Swept(1, 801));
            assertThat(intake.sweepPending(Duration.ZERO, 1, 0)).as("from the start: only 801, held").isEqualTo(new TextActing.Swept(0, 801));
            TextActing.Swept second = intake.sweepPending(Duration.ZERO, 1, first.next());
            assertThat(second).as("802, past 801").isEqualTo(new TextActing.Swept(1, 802));
            TextActing.Swept third = intake.sweepPending(Duration.ZERO, 1, second.next());
            assertThat(third).isEqualTo(new TextActing.Swept(1, 803));
            assertThat(intake.sweepPending(Duration.ZERO, 1, third.next())).as("the end of the round").isEqualTo(new TextActing.Swept(0, 0));
            assertThat(intake.waitingToAct()).isEqualTo(3);
            holder.rollback();
        }
        assertThat(intake.awaitActed(WAIT)).isTrue();
        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(count("select count(*) from donation where inbound_id between 801 and 803")).isEqualTo(3);
    }

    /**
     * {@code count} texts of SUN3 from new donors (numbers {@code prefix} and two digits), recorded from inbound id
     * {@code firstId} on as a crashed node left them, a minute ago; returns the donors' ids.
     */
    private List<Long> giftsLeftByACrash(Donors donors, int count, long firstId, String prefix) {
        return giftsLeftByACrash(donors, count, firstId, prefix, false);
    }

    /** The same, {@code young}: recorded just now, younger than the sweep's grace (in the same transaction, so never seen older). */
    private List<Long> giftsLeftByACrash(Donors donors, int count, long firstId, String prefix, boolean young) {
        List<Long> donorIds = new ArrayList<>();
        database.inTransactionVoid(c -> {
            for (int i = 0; i < count; i++) {
                PhoneNumber donor = PhoneNumber.parse(prefix + String.format("%02d", i));
                long donorId = donors.resolve(c, List.of(donor), Instant.now()).get(donor);
                donorIds.add(donorId);
                recordAsACrashedNodeDid(c, firstId + i, donorId, "SUN3", "DONATE");
            }
            if (young) {
                try (Statement statement = c.createStatement()) {
                    statement.executeUpdate("update text_pending set recorded_at = now()");
                }
            }
        });
        return donorIds;
    }

    @Test
    void twoNodesSweepingTheSameTextsActOnEachOnce() throws Exception {
        // Proves: the pending row's delete decides who acts: two nodes sweeping the same rows at once write one donation each.
        List<Long> donorIds = giftsLeftByACrash(new Donors(Fixtures.vault()), 40, 1000, "4477009010");
        Core first = core();
        Core second = core();
        CompletableFuture<Integer> one = CompletableFuture.supplyAsync(() -> first.texts.sweepPending(Duration.ZERO));
        CompletableFuture<Integer> two = CompletableFuture.supplyAsync(() -> second.texts.sweepPending(Duration.ZERO));
        one.get(10, TimeUnit.SECONDS);
        two.get(10, TimeUnit.SECONDS);
        assertThat(first.texts.awaitActed(WAIT)).isTrue();
        assertThat(second.texts.awaitActed(WAIT)).isTrue();

        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(count("select count(*) from donation")).isEqualTo(donorIds.size());
        assertThat(count("select count(*) from charge_part")).isEqualTo(donorIds.size());
        assertThat(count("select count(*) from outbox")).isEqualTo(donorIds.size());
        assertThat(count("select count(*) from contact_consent")).isEqualTo(donorIds.size());
    }

    @Test
    void recordingDoesNotWaitForADonorsLockAndRefusesTextsOnceTheBacklogAndTheSpillAreFull() throws Exception {
        // Proves: while another transaction holds the donor's lock (as the acting stage does while it spends the cap), the same
        // donor's texts are still recorded and acknowledged; past the backlog held in memory they are still recorded, waiting in
        // the database only; once that is full too the next text is refused with a temporary error (never lost: it was not
        // acknowledged); when the lock goes, everything recorded is acted on.
        int backlogMax = 3;
        int spillMax = 2;
        TextIntakeService intake = intake(backlogMax, spillMax);
        long annaId = firstGiftOfAnna(intake);

        try (Connection holder = lockDonor(annaId)) {
            for (int i = 1; i <= backlogMax + spillMax; i++) {
                assertThat(intake.submit(text(ANNA, "a-" + i, "SUN3")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            }
            assertThatThrownBy(() -> intake.submit(text(ANNA, "a-9", "SUN3")).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("5 recorded texts wait to be acted on (at most 5)");
            assertThat(count("select count(*) from text_pending")).isEqualTo(backlogMax + spillMax);
            assertThat(intake.waitingToAct()).as("the gauge an on-call engineer watches").isEqualTo(backlogMax + spillMax);
            holder.rollback();
        }
        assertThat(intake.awaitActed(WAIT)).isTrue();
        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(intake.waitingToAct()).isZero();
        assertThat(count("select count(*) from inbound_message")).as("the refused text was not recorded").isEqualTo(1 + backlogMax + spillMax);
        assertThat(count("select count(*) from donation where state = 'CHARGING'")).isEqualTo(1 + backlogMax + spillMax);
        assertThat(intake.submit(text(ANNA, "a-9", "SUN3")).get(10, TimeUnit.SECONDS)).as("taken once there is room").isEqualTo(IntakeOutcome.RECORDED);
    }

    @Test
    void textsPastTheBacklogWaitInTheDatabaseAndAreActedOnSoonNotAfterTheSweepsGrace() throws Exception {
        // Proves: texts recorded while the backlog in memory is full (the acting stage here waits on a donor's lock) are
        // acknowledged, counted, kept out of memory, and taken from the database as soon as there is room: all are acted on
        // well within the 10 s the sweep leaves a pending row alone.
        TextIntakeService intake = intake(3, 1_000);
        long annaId = firstGiftOfAnna(intake);
        int spilled = 12;
        try (Connection holder = lockDonor(annaId)) {
            for (int i = 1; i <= 3; i++) {
                assertThat(intake.submit(text(ANNA, "a-" + i, "SUN3")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            }
            for (int i = 0; i < spilled; i++) {
                PhoneNumber donor = PhoneNumber.parse("4477009020" + String.format("%02d", i));
                assertThat(intake.submit(text(donor, "s-" + i, "SUN5")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            }
            assertThat(intake.waitingToAct()).isEqualTo(3 + spilled);
            assertThat(intake.waitingInDatabaseOnly()).as("not held in memory").isEqualTo(spilled);
            assertThat(count("select count(*) from text_pending")).isEqualTo(3 + spilled);
            holder.rollback();
        }
        long released = System.nanoTime();
        assertThat(intake.awaitActed(WAIT)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - released)).as("not left for the sweep's 10 s grace").isLessThan(Duration.ofSeconds(5));
        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(intake.waitingToAct()).isZero();
        assertThat(count("select count(*) from donation where amount_pence = 500")).isEqualTo(spilled);
    }

    @Test
    void aBurstPastTheBacklogIsActedOnInTheOrderItCame() throws Exception {
        // Proves: with a backlog in memory of 3, held full by a donor's lock, a burst in waves waits in the database; waves that
        // come after the lock goes, when there is room in memory again while earlier texts still wait there, join them rather
        // than overtake them, so every text is acted on in the order it was recorded.
        TextIntakeService intake = intake(3, 1_000);
        long annaId = firstGiftOfAnna(intake);
        try (Connection holder = lockDonor(annaId)) {
            for (int i = 1; i <= 3; i++) {
                assertThat(intake.submit(text(ANNA, "a-" + i, "SUN3")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            }
            submitWaves(intake, 0, 3);
            assertThat(intake.waitingInDatabaseOnly()).as("the burst waits in the database").isEqualTo(30);
            holder.rollback();
        }
        submitWaves(intake, 3, 6);
        assertThat(intake.awaitActed(WAIT)).isTrue();
        assertThat(inboundIdsInTheOrderActedOn()).hasSize(1 + 3 + 60).isSorted();
    }

    @Test
    void twoRecordingWritersBurstPastTheBacklogAndEachDonorsTextsAreActedOnInOrder() throws Exception {
        // Proves: with two recording writers, whose batches may commit out of id order, a burst past the backlog is acted on
        // whole, each text once, and each donor's texts in the order they came (the daily cap depends on it).
        TextIntakeService intake = new TextIntakeService(database, Fixtures.catalog(10), new Donors(Fixtures.vault()), CHARGING,
                InstantSource.system(), Core.Batching.defaults().texts(), 2, TextIntakeService.ACTING_LINGER_DEFAULT, 3, 1_000, null);
        closing.add(intake);
        long annaId = firstGiftOfAnna(intake);
        try (Connection holder = lockDonor(annaId)) {
            for (int i = 1; i <= 3; i++) {
                assertThat(intake.submit(text(ANNA, "a-" + i, "SUN3")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            }
            submitWaves(intake, 0, 3);
            holder.rollback();
        }
        submitWaves(intake, 3, 6);
        assertThat(intake.awaitActed(WAIT)).isTrue();
        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(intake.waitingToAct()).isZero();
        assertThat(count("select count(*) from donation")).isEqualTo(1 + 3 + 60);
        Map<Long, List<Long>> byDonor = new HashMap<>();
        donationsInTheOrderActedOn().forEach(donation -> byDonor.computeIfAbsent(donation.donorId(), d -> new ArrayList<>()).add(donation.inboundId()));
        assertThat(byDonor.values()).allSatisfy(inboundIds -> assertThat(inboundIds).isSorted());
    }

    @Test
    void aCrashsBacklogIsActedOnBeforeTextsThatArriveAfterTheRestart() throws Exception {
        // Proves: texts a crashed node left pending, more than the backlog in memory holds and younger than the sweep's grace,
        // are all taken at the next start before any text recorded after it, so a donor's text from before the crash is not
        // overtaken by their next one.
        Donors donors = new Donors(Fixtures.vault());
        long annaId = database.inTransaction(c -> donors.resolve(c, List.of(ANNA), Instant.now()).get(ANNA));
        database.inTransactionVoid(c -> {
            for (int i = 0; i < 6; i++) {
                recordAsACrashedNodeDid(c, 901 + i, annaId, "SUN3", "DONATE");
            }
            // Recorded just before the crash: younger than the sweep's grace, and still taken first.
            try (Statement young = c.createStatement()) {
                young.executeUpdate("update text_pending set recorded_at = now()");
            }
            // The crashed node took its ids from the same sequence: texts after the restart come after them.
            try (Statement sequence = c.createStatement()) {
                sequence.execute("select setval('inbound_message_id_seq', 906)");
            }
        });
        try (Connection holder = lockDonor(annaId)) {
            TextIntakeService intake = intake(3, 1_000);
            assertThat(intake.submit(text(ANNA, "after-restart", "SUN5")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            assertThat(intake.waitingToAct()).as("three held, three and the new one in the database").isEqualTo(7);
            holder.rollback();
            assertThat(intake.awaitActed(WAIT)).isTrue();
        }
        long afterRestart = count("select id from inbound_message where external_id = 'after-restart'");
        assertThat(inboundIdsInTheOrderActedOn()).containsExactly(901L, 902L, 903L, 904L, 905L, 906L, afterRestart);
    }

    /** Anna's first gift, recorded and acted on; returns her donor id. */
    private long firstGiftOfAnna(TextIntakeService intake) throws Exception {
        assertThat(intake.submit(text(ANNA, "a-0", "SUN3")).get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
        assertThat(intake.awaitActed(WAIT)).isTrue();
        return count("select donor_id from inbound_message where external_id = 'a-0'");
    }

    /** A connection holding the donor's row lock, as the acting stage does while it spends the cap; roll it back to let go. */
    private Connection lockDonor(long donorId) throws SQLException {
        Connection holder = database.dataSource().getConnection();
        holder.setAutoCommit(false);
        try (PreparedStatement lock = holder.prepareStatement("select id from donor where id = ? for update")) {
            lock.setLong(1, donorId);
            lock.executeQuery().close();
        }
        return holder;
    }

    /** Waves {@code from} to {@code to} (exclusive) of ten texts of SUN3 each, from 30 donors; each wave recorded before the next. */
    private static void submitWaves(TextIntakeService intake, int from, int to) throws Exception {
        for (int wave = from; wave < to; wave++) {
            List<CompletableFuture<IntakeOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = wave * 10 + i;
                PhoneNumber donor = PhoneNumber.parse("4477009030" + String.format("%02d", n % 30));
                outcomes.add(intake.submit(text(donor, "w-" + n, "SUN3")));
            }
            for (CompletableFuture<IntakeOutcome> outcome : outcomes) {
                assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            }
        }
    }

    /** A donation's donor and the text it came from. */
    private record Donation(long donorId, long inboundId) {
    }

    /** The donations in the order they were written (donation ids come from one sequence, in the one acting writer). */
    private List<Donation> donationsInTheOrderActedOn() {
        List<Donation> donations = new ArrayList<>();
        database.inTransactionVoid(connection -> {
            try (Statement select = connection.createStatement();
                 var rows = select.executeQuery("select donor_id, inbound_id from donation order by id")) {
                while (rows.next()) {
                    donations.add(new Donation(rows.getLong(1), rows.getLong(2)));
                }
            }
        });
        return donations;
    }

    /** The inbound ids of the donations, in the order they were written. */
    private List<Long> inboundIdsInTheOrderActedOn() {
        return donationsInTheOrderActedOn().stream().map(Donation::inboundId).toList();
    }

    private TextIntakeService intake(int backlogMax, int spillMax) {
        TextIntakeService intake = new TextIntakeService(database, Fixtures.catalog(10), new Donors(Fixtures.vault()), CHARGING,
                InstantSource.system(), Core.Batching.defaults().texts(), 1, TextIntakeService.ACTING_LINGER_DEFAULT, backlogMax, spillMax, null);
        closing.add(intake);
        return intake;
    }

    @Test
    void aTextWhoseActingAlwaysFailsIsTriedAgainAfterAGrowingWaitWhileTheOthersGoOn() throws Exception {
        // Proves: a text that cannot be acted on (here a trigger refuses its donation) does not hold up a text recorded with it
        // (the two are submitted together, so normally acted on in one batch, which fails and is retried item by item), stays
        // recorded, is counted for the on-call engineer, and is not taken by a sweep again until its wait (1 s, then 2 s) has
        // passed; once the fault is mended it is acted on and no longer counted. The sweeps here skip the 10 s grace.
        Core core = core();
        database.inTransactionVoid(c -> {
            try (Statement statement = c.createStatement()) {
                statement.execute("create function poisoned_gift() returns trigger language plpgsql as $$"
                        + " begin raise exception 'refused by the test'; end $$");
                statement.execute("create trigger poisoned_gift before insert on donation for each row"
                        + " when (new.amount_pence = 1000) execute function poisoned_gift()");
            }
        });
        try {
            CompletableFuture<IntakeOutcome> poisoned = core.texts.submit(text(ANNA, "a-1", "SUN10"));
            CompletableFuture<IntakeOutcome> fine = core.texts.submit(text(BEN, "b-1", "SUN5"));
            assertThat(poisoned.get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            assertThat(fine.get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
            assertThat(core.texts.awaitActed(WAIT)).isTrue();
            assertThat(count("select count(*) from donation where amount_pence = 500")).as("Ben's gift goes on").isEqualTo(1);
            assertThat(count("select count(*) from text_pending")).as("Anna's text stays recorded").isEqualTo(1);
            assertThat(core.texts.failingToAct()).isEqualTo(1);

            assertThat(core.texts.sweepPending(Duration.ZERO)).as("within a second of its failure").isZero();
            Thread.sleep(TextActing.delayAfter(1).toMillis() + 200);
            assertThat(core.texts.sweepPending(Duration.ZERO)).as("after its first wait").isEqualTo(1);
            assertThat(core.texts.awaitActed(WAIT)).isTrue();
            assertThat(core.texts.failingToAct()).isEqualTo(1);
            Thread.sleep(TextActing.delayAfter(1).toMillis() + 200);
            assertThat(core.texts.sweepPending(Duration.ZERO)).as("its second wait is longer").isZero();
        } finally {
            database.inTransactionVoid(c -> {
                try (Statement statement = c.createStatement()) {
                    statement.execute("drop trigger poisoned_gift on donation");
                    statement.execute("drop function poisoned_gift()");
                }
            });
        }
        Thread.sleep(TextActing.delayAfter(2).toMillis());
        // Taken by this sweep, or by the background one if this machine was slow enough for the 10 s grace to pass.
        core.texts.sweepPending(Duration.ZERO);
        awaitNoTextPending();
        assertThat(core.texts.awaitActed(WAIT)).isTrue();
        assertThat(count("select count(*) from donation where amount_pence = 1000")).as("Anna's gift, once mended").isEqualTo(1);
        assertThat(count("select count(*) from text_pending")).isZero();
        assertThat(core.texts.failingToAct()).isZero();
    }

    @Test
    void theWaitAfterAFailureDoublesToAMinute() {
        // Proves the retry schedule: 1 s, 2 s, 4 s … capped at a minute, however many failures.
        assertThat(TextActing.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(TextActing.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(TextActing.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(TextActing.delayAfter(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(TextActing.delayAfter(7)).isEqualTo(Duration.ofMinutes(1));
        assertThat(TextActing.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));
    }
}
