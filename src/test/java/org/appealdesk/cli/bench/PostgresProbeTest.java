package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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
}
