package org.appealdesk.totals;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.donation.DonationStateCounts;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The live totals' counts of donations not charged: running counts the database keeps by trigger
 * (V10), on the real embedded PostgreSQL.
 */
class StateCountsTest {

    private static final String SLUG = "sun-ukraine";
    private static final String COUNTS_RULE = "the running counts of donations by state equal the donations (if not: verify --recount-states)";
    private static final int CHARGED = 3_000;

    @Test
    void theCountsFollowEveryInsertAndChangeOfStateAndReadNoDonation() throws Exception {
        // Proves: with 3,000 charged gifts and 7 others in one appeal (and 5 in another), the live totals count 3 charging,
        // 1 unknown, 1 failed and 2 rejected; after two charging gifts are charged and one fails they count 0, 1, 2, 2; verify
        // agrees; and the counting query's plan reads the count table only.
        Database database = TestDatabase.clean();
        donor(database);
        TestDatabase.execute(database, "insert into donation (id, appeal_slug, donor_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                + " select n, case when n > " + (CHARGED + 7) + " then 'other-appeal' else '" + SLUG + "' end, 1, 'SMPP', 500, false,"
                + " case when n <= " + CHARGED + " then 'CHARGED' when n <= " + (CHARGED + 3) + " then 'CHARGING'"
                + " when n = " + (CHARGED + 4) + " then 'UNKNOWN' when n = " + (CHARGED + 5) + " then 'FAILED' else 'REJECTED' end,"
                + " current_date, now() from generate_series(1, " + (CHARGED + 12) + ") n");

        try (TotalsService totals = new TotalsService(database, Fixtures.catalog(10), InstantSource.system(), Duration.ofSeconds(1))) {
            assertThat(counts(totals)).containsExactly(3L, 1L, 1L, 2L);

            TestDatabase.execute(database, "update donation set state = case when id = " + (CHARGED + 3) + " then 'FAILED' else 'CHARGED' end"
                    + " where id between " + (CHARGED + 1) + " and " + (CHARGED + 3));
            totals.refreshNow();
            assertThat(counts(totals)).containsExactly(0L, 1L, 2L, 2L);
        }
        assertThat(verified(database)).isZero();
        List<String> plan = plan(database, TotalsService.STATE_COUNTS_SQL);
        assertThat(plan).anyMatch(line -> line.contains("donation_state_count"));
        assertThat(plan).noneMatch(line -> line.contains(" on donation ") || line.contains("donation_pkey") || line.contains("donation_appeal"));
    }

    @Test
    void twoWritersNeverWaitOnEachOthersCountRow() throws Exception {
        // Proves: while one connection holds an uncommitted CHARGING donation, another adds one to the same appeal and state
        // and commits at once (with a 2 s lock timeout it would fail if the count row were shared); the totals then count both.
        Database database = TestDatabase.clean();
        donor(database);
        try (Connection first = database.dataSource().getConnection(); Connection second = database.dataSource().getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            insertCharging(first, 1);
            try (Statement sql = second.createStatement()) {
                sql.execute("set local lock_timeout = '2s'");
            }
            insertCharging(second, 2);
            second.commit();
            first.commit();
        }
        try (TotalsService totals = new TotalsService(database, Fixtures.catalog(10), InstantSource.system(), Duration.ofSeconds(1))) {
            assertThat(counts(totals)).containsExactly(2L, 0L, 0L, 0L);
        }
        assertThat(TestDatabase.count(database, "select count(*) from donation_state_count where appeal_slug = '" + SLUG + "'"))
                .as("a row per writing connection").isEqualTo(2);
    }

    @Test
    void foldingMovesEndedConnectionsRowsIntoShardZeroAndKeepsEverySum() throws Exception {
        // Proves: a connection that wrote 3 CHARGING donations and ended leaves a row, which the fold moves into shard 0
        // (summed with the 1 put there by hand); a live connection's row is left alone; the sum stays 5 throughout, a second
        // fold changes nothing, and verify finds the 1 that no donation stands behind.
        Database database = TestDatabase.clean();
        donor(database);
        TestDatabase.execute(database, "insert into donation_state_count (appeal_slug, state, shard, donations) values ('" + SLUG + "', 'CHARGING', 0, 1)");
        TestDatabase.execute(database, "insert into donation (id, appeal_slug, donor_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                + " values (1, '" + SLUG + "', 1, 'SMPP', 500, false, 'CHARGING', current_date, now())");
        DatabaseSettings settings = TestDatabase.server().settings(2);
        int endedPid;
        try (Connection ended = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement sql = ended.createStatement()) {
            sql.execute("insert into donation (id, appeal_slug, donor_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                    + " select n, '" + SLUG + "', 1, 'SMPP', 500, false, 'CHARGING', current_date, now() from generate_series(2, 4) n");
            endedPid = (int) single(ended, "select pg_backend_pid()");
        }
        awaitEnded(database, endedPid);
        long liveRows = TestDatabase.count(database, "select count(*) from donation_state_count where shard not in (0, " + endedPid + ")");
        assertThat(liveRows).as("the pool's connection that wrote donation 1").isEqualTo(1);

        assertThat(fold(database)).isEqualTo(1);
        assertThat(TestDatabase.count(database, "select count(*) from donation_state_count where shard = " + endedPid)).isZero();
        assertThat(TestDatabase.count(database, "select donations from donation_state_count where shard = 0")).isEqualTo(4);
        assertThat(TestDatabase.count(database, "select count(*) from donation_state_count where shard not in (0, " + endedPid + ")"))
                .as("left alone").isEqualTo(liveRows);
        assertThat(TestDatabase.count(database, "select sum(donations) from donation_state_count")).isEqualTo(5);
        assertThat(fold(database)).isZero();
        // The 1 put in shard 0 by hand has no donation behind it: verify finds it; taken out, the counts agree again.
        assertThat(verified(database)).isEqualTo(1);
        TestDatabase.execute(database, "update donation_state_count set donations = donations - 1 where shard = 0");
        assertThat(verified(database)).isZero();
    }

    @Test
    void aRecountRepairsCountsThatMissedDonationsWrittenWithTheTriggersOff() throws Exception {
        // Proves: donations written in a replica session (triggers off) are missing from the counts, verify says so, and the
        // recount behind `verify --recount-states` makes the counts equal the donations again, in shard 0 only.
        Database database = TestDatabase.clean();
        donor(database);
        TestDatabase.execute(database, "insert into donation (id, appeal_slug, donor_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                + " values (1, '" + SLUG + "', 1, 'SMPP', 500, false, 'CHARGING', current_date, now())");
        database.inTransactionVoid(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute("set local session_replication_role = replica");
                sql.execute("insert into donation (id, appeal_slug, donor_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                        + " select n, '" + SLUG + "', 1, 'SMPP', 500, false, 'FAILED', current_date, now() from generate_series(2, 3) n");
            }
        });
        assertThat(verified(database)).isEqualTo(1);

        assertThat(database.inTransaction(DonationStateCounts::recount)).isEqualTo(2);
        assertThat(verified(database)).isZero();
        assertThat(TestDatabase.count(database, "select count(*) from donation_state_count where shard <> 0")).isZero();
        try (TotalsService totals = new TotalsService(database, Fixtures.catalog(10), InstantSource.system(), Duration.ofSeconds(1))) {
            assertThat(counts(totals)).containsExactly(1L, 0L, 2L, 0L);
        }
    }

    private static List<Long> counts(TotalsService totals) {
        AppealTotals figures = totals.totals(SLUG).orElseThrow();
        return List.of(figures.pendingCount(), figures.unknownCount(), figures.failedCount(), figures.rejectedCount());
    }

    private static void donor(Database database) {
        TestDatabase.execute(database, "insert into donor (id, phone_hash, created_at) values (1, '\\x01', now())");
    }

    private static void insertCharging(Connection connection, long id) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            sql.execute("insert into donation (id, appeal_slug, donor_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                    + " values (" + id + ", '" + SLUG + "', 1, 'SMPP', 500, false, 'CHARGING', current_date, now())");
        }
    }

    private static int fold(Database database) {
        return database.inTransaction(DonationStateCounts::foldEnded);
    }

    /** Breaches of the counts' rule in `verify`. */
    private static long verified(Database database) {
        return new LedgerVerifier(database).verify().checks().stream().filter(check -> check.name().equals(COUNTS_RULE))
                .findFirst().orElseThrow().breaches();
    }

    /** Waits until the server has seen the backend go (a closed connection's backend exits a moment later). */
    private static void awaitEnded(Database database, int pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (TestDatabase.count(database, "select count(*) from pg_stat_activity where pid = " + pid) > 0) {
            assertThat(System.nanoTime()).as("backend " + pid + " ended").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static long single(Connection connection, String query) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static List<String> plan(Database database, String query) {
        return database.inTransaction(connection -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement explain = connection.prepareStatement("explain (analyze, costs off, timing off) " + query)) {
                explain.setString(1, SLUG);
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        lines.add(rows.getString(1));
                    }
                }
            }
            return lines;
        });
    }
}
