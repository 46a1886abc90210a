package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** The bench's own view of PostgreSQL's background work, on the real embedded server. */
class PostgresProbeTest {

    @Test
    void theTablesAutovacuumFinishedWithAreThoseWhoseCountGrew() {
        // Proves: a table is named when its count grew between two readings, a table first seen in the later one
        // counts from zero, and one whose count stayed is not named; vacuums and analyses are told apart.
        Map<String, PostgresProbe.TableUpdates> before = Map.of(
                "outbox", new PostgresProbe.TableUpdates(10, 5, 0, 2, 1),
                "charge_part", new PostgresProbe.TableUpdates(10, 5, 0, 4, 4));
        Map<String, PostgresProbe.TableUpdates> now = Map.of(
                "outbox", new PostgresProbe.TableUpdates(20, 9, 0, 3, 1),
                "charge_part", new PostgresProbe.TableUpdates(30, 9, 0, 4, 4),
                "donation", new PostgresProbe.TableUpdates(0, 0, 0, 0, 1));

        assertThat(PostgresProbe.finished(before, now, PostgresProbe.TableUpdates::autovacuums)).containsExactly("outbox");
        assertThat(PostgresProbe.finished(before, now, PostgresProbe.TableUpdates::autoanalyzes)).containsExactly("donation");
    }

    @Test
    void backgroundIsUnknownUntilItsCountsHaveAStart() {
        // Proves the first reading without a start is left out (null: what finished before it cannot be told, and
        // unknown must not read as quiet), and that once started every reading is given, each from the one before.
        try (PostgresProbe probe = PostgresProbe.open(TestDatabase.server().settings(2))) {
            assertThat(probe.background()).as("no start yet").isNull();
            probe.backgroundFrom(probe.tableUpdates());
            PostgresProbe.Background first = probe.background();
            assertThat(first).isNotNull();
            assertThat(first.checkpointer()).as("the checkpointer is visible to the bench's superuser").isNotNull();
            assertThat(probe.background()).as("the next, from the one before").isNotNull();
        }
    }

    @Test
    void aBackgroundThatCannotBeReadIsNullNotQuiet() {
        // Proves a reading that fails (here, the probe's connection gone) is left out as null rather than shown as
        // a server with no vacuum, analysis or checkpoint, and the run goes on (no exception).
        PostgresProbe probe = PostgresProbe.open(TestDatabase.server().settings(2));
        probe.backgroundFrom(probe.tableUpdates());
        probe.close();
        assertThat(probe.background()).isNull();
        assertThat(probe.background()).as("and the one after, with no counts to start from").isNull();
    }

    @Test
    void theWalCensusCountsEachKindOfWorkForTheTableItChanged() throws Exception {
        // Proves the census reads PostgreSQL's own WAL records back and counts them exactly for the table they changed:
        // 100 rows inserted enter both indexes (200 entries); 50 updates of an unindexed column with room on the page
        // are HOT and enter none; 10 updates of an indexed column are not HOT and enter both again (20); 5 deletes;
        // 7 rows locked for update. Figures a unit are the totals over the units given (here 10).
        DatabaseSettings settings = TestDatabase.server().settings(2);
        String table = "wal_census_" + Long.toHexString(System.nanoTime());
        try (PostgresProbe probe = PostgresProbe.open(settings);
             Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement sql = connection.createStatement()) {
            sql.execute("create table " + table + " (id bigint primary key, k int unique, v int) with (fillfactor = 50)");
            String from = probe.walInsertLsn();
            sql.execute("insert into " + table + " select g, g, 0 from generate_series(1, 100) g");
            sql.execute("update " + table + " set v = 1 where id <= 50");
            sql.execute("update " + table + " set k = k + 1000 where id > 90");
            sql.execute("delete from " + table + " where id between 51 and 55");
            connection.setAutoCommit(false);
            sql.execute("select id from " + table + " where id between 56 and 62 for update");
            connection.commit();
            connection.setAutoCommit(true);
            String to = probe.walInsertLsn();

            WalCensus census = probe.walCensus(from, to, 1.0, "gift", 10, 12);
            assertThat(census.walBytes()).isPositive();
            WalCensus.Kinds mine = census.byTable().get(table);
            assertThat(mine).isNotNull();
            assertThat(List.of(mine.rowsInserted(), mine.hotUpdates(), mine.otherUpdates(), mine.deletes(), mine.rowLocks(), mine.indexEntries()))
                    .containsExactly(10.0, 5.0, 1.0, 0.5, 0.7, 22.0);
            assertThat(census.perUnit().indexEntries()).as("every table together holds at least this one's").isGreaterThanOrEqualTo(22.0);
            assertThat(census.walBytesPerUnit()).isEqualTo(Math.round(census.walBytes() / 10.0));
            assertThat(census.textsAcknowledged()).as("kept as given, beside the units").isEqualTo(12);
        } finally {
            try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
                 Statement sql = connection.createStatement()) {
                sql.execute("drop table if exists " + table);
            }
        }
    }

    @Test
    void aWalCensusAddsATablesEntriesAndPutsTheBusiestFirst() {
        // Proves entries of one table (an index's records come as their table's) are added, the tables are ordered by
        // records, and the figures a unit are rounded to hundredths.
        WalCensus.Kinds three = new WalCensus.Kinds(1, 0, 0, 0, 0, 2, 0, 0, 3, 300);
        WalCensus census = WalCensus.of(5, "text", 3, 3, 900, List.of(
                Map.entry("donor", three), Map.entry("outbox", three), Map.entry("outbox", three)));
        assertThat(census.byTable().keySet()).containsExactly("outbox", "donor");
        assertThat(census.byTable().get("outbox").indexEntries()).isEqualTo(1.33);
        assertThat(census.perUnit().rowsInserted()).isEqualTo(1.0);
        assertThat(census.perUnit().bytes()).isEqualTo(300);
        assertThat(census.walBytesPerUnit()).isEqualTo(300);
    }
}
