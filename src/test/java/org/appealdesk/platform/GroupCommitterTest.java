package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.appealdesk.support.Plans.keptPlan;
import static org.appealdesk.support.Plans.single;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Group commit on the real embedded PostgreSQL: batching, a bad item failing alone, and the figures it keeps. */
class GroupCommitterTest {

    private static final int ITEMS = 300;

    private Database database;
    private GroupCommitter<Integer, Integer> committer;

    @BeforeEach
    void start() {
        database = TestDatabase.database();
        database.inTransactionVoid(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("drop table if exists group_commit_probe");
                statement.execute("create table group_commit_probe (n int primary key check (n >= 0))");
            }
        });
        // Inserts each batch's numbers; a negative number breaks the check and fails its batch.
        committer = new GroupCommitter<>(new GroupCommitter.Settings("probe", 50, 1_000, Duration.ofMillis(2)), database,
                (connection, items) -> {
                    try (PreparedStatement insert = connection.prepareStatement("insert into group_commit_probe (n) values (?)")) {
                        for (int n : items) {
                            insert.setInt(1, n);
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                    return items;
                });
    }

    @AfterEach
    void stop() {
        committer.close();
        database.inTransactionVoid(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("drop table if exists group_commit_probe");
            }
        });
    }

    @Test
    void itemsShareTransactionsAndEachWaitAndCommitIsMeasured() throws Exception {
        // Proves: 300 items submitted at once are all committed, in fewer transactions than items, and the
        // figures count each item once in both latency histograms, a wait never longer than its commit.
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int n = 0; n < ITEMS; n++) {
            results.add(committer.submit(n));
        }
        for (int n = 0; n < ITEMS; n++) {
            assertThat(results.get(n).get(10, TimeUnit.SECONDS)).isEqualTo(n);
        }
        assertThat(TestDatabase.count(database, "select count(*) from group_commit_probe")).isEqualTo(ITEMS);

        GroupCommitter.Stats stats = committer.stats();
        assertThat(stats.items()).isEqualTo(ITEMS);
        assertThat(stats.batches()).isBetween((long) ITEMS / 50, (long) ITEMS - 1);
        assertThat(stats.batchSizeLargest()).isLessThanOrEqualTo(50);
        assertThat(stats.waitMicros().getTotalCount()).isEqualTo(ITEMS);
        assertThat(stats.committedMicros().getTotalCount()).isEqualTo(ITEMS);
        assertThat(stats.committedMicros().getMaxValue()).isGreaterThanOrEqualTo(stats.waitMicros().getMaxValue());
        assertThat(stats.committedMicros().getMinNonZeroValue()).isPositive();
        assertThat(stats.durableCommitMicros().getTotalCount()).as("one COMMIT time per batch").isEqualTo(stats.batches());
        assertThat(stats.durableCommitMicros().getMaxValue()).as("a COMMIT is part of its items' committed time")
                .isLessThanOrEqualTo(stats.committedMicros().getMaxValue());
        assertThat(stats.batchMicros().getTotalCount()).as("one transaction time per batch").isEqualTo(stats.batches());
        assertThat(stats.batchMicros().getMaxValue()).as("a transaction holds its COMMIT, and is part of its items' committed time")
                .isGreaterThanOrEqualTo(stats.durableCommitMicros().getMaxValue())
                .isLessThanOrEqualTo(stats.committedMicros().getMaxValue());
        assertThat(stats.batchItems().getTotalCount()).isEqualTo(stats.batches());
        assertThat(stats.batchItems().getMaxValue()).as("the largest batch, as counted apart").isEqualTo(stats.batchSizeLargest());
        assertThat(stats.batchItems().getMean() * stats.batches()).as("batch sizes add up to the items")
                .isCloseTo((double) ITEMS, within(0.5));
    }

    @Test
    void onlyASmallBatchLingersSoAWriterBehindNeverIdles() throws Exception {
        // Proves: a batch under half its maximum waits the linger for more; one found half full or more
        // (what a writer that has fallen behind finds at every turn) commits without it. The linger is a second, so
        // each outcome is unmistakable: a lingering batch takes at least that second, a prompt one well under it.
        assertThat(GroupCommitter.lingers(249, 500)).isTrue();
        assertThat(GroupCommitter.lingers(250, 500)).isFalse();
        assertThat(GroupCommitter.lingers(1, 1)).isFalse();

        Duration linger = Duration.ofSeconds(1);
        CountDownLatch firstBatchHeld = new CountDownLatch(1);
        CountDownLatch releaseFirstBatch = new CountDownLatch(1);
        try (GroupCommitter<Integer, Integer> slow = new GroupCommitter<>(new GroupCommitter.Settings("lingering", 40, 1_000, linger), database,
                (connection, items) -> {
                    if (items.contains(0)) {
                        firstBatchHeld.countDown();
                        try {
                            releaseFirstBatch.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return items;
                })) {
            long soloStarted = System.nanoTime();
            CompletableFuture<Integer> solo = slow.submit(0);
            assertThat(firstBatchHeld.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(System.nanoTime() - soloStarted).as("one item alone lingered first").isGreaterThanOrEqualTo(linger.toNanos());

            // While the first batch is held, 20 items queue: half the maximum of 40, as for a writer behind.
            List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (int n = 1; n <= 20; n++) {
                queued.add(slow.submit(n));
            }
            long released = System.nanoTime();
            releaseFirstBatch.countDown();
            assertThat(solo.get(10, TimeUnit.SECONDS)).isZero();
            for (int n = 1; n <= 20; n++) {
                assertThat(queued.get(n - 1).get(10, TimeUnit.SECONDS)).isEqualTo(n);
            }
            assertThat(System.nanoTime() - released).as("the queued batch did not linger").isLessThan(linger.toNanos());
            assertThat(slow.stats().batches()).isEqualTo(2);
        }
    }

    @Test
    void aBatchKeepsOnePlanAndNeverPlansASequentialScanEvenOnAnEmptyTable() throws Exception {
        // Proves: inside a batch's transaction plans are kept (force_generic_plan) and sequential scans ruled out,
        // so keyed statements first planned while their tables are empty (a new installation) use their indexes,
        // which stays right once the tables have grown; and both settings end with the transaction, so the next
        // user of the same pooled connection has PostgreSQL's defaults again. Two shapes the writers use: a read
        // by an array of ids, of a table shaped as the outbox (its columns and fillfactor), and the ledger's
        // key check, a join of an array to a table shaped as the journal. The controls show each one's kept plan
        // with sequential scans allowed is a sequential scan, so the test still means something if the planner changes.
        String keyedRead = "select id from group_commit_keyed where id = any($1::bigint[])";
        String keyCheck = "select k.key from unnest($1::text[]) k(key) where exists"
                + " (select 1 from group_commit_keys j where j.idempotency_key = k.key)";
        List<String> seen = new ArrayList<>();
        try (Database twoConnections = Database.open(TestDatabase.server().settings(2));
             GroupCommitter<Integer, Integer> keyed = new GroupCommitter<>(new GroupCommitter.Settings("keyed", 50, 1_000, Duration.ZERO),
                     twoConnections, (connection, items) -> {
                         try (Statement sql = connection.createStatement()) {
                             seen.add(single(sql, SETTINGS));
                             seen.add(keptPlan(sql, keyedRead, "bigint[]", "{1,2}"));
                             seen.add(keptPlan(sql, keyCheck, "text[]", "{a,b}"));
                         }
                         return items;
                     })) {
            dropProbeTables(twoConnections);
            String outboxStorage = twoConnections.inTransaction(connection -> {
                try (Statement sql = connection.createStatement()) {
                    return single(sql, "select array_to_string(reloptions, ', ') from pg_class where relname = 'outbox'");
                }
            });
            TestDatabase.execute(twoConnections, "create table group_commit_keyed (like outbox) with (" + outboxStorage + ")");
            TestDatabase.execute(twoConnections, "alter table group_commit_keyed add primary key (id)");
            TestDatabase.execute(twoConnections, "create table group_commit_keys (like journal including indexes)");
            List<String> controls = twoConnections.inTransaction(connection -> {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("set local plan_cache_mode = force_generic_plan");
                    return List.of(keptPlan(sql, keyedRead, "bigint[]", "{1,2}"), keptPlan(sql, keyCheck, "text[]", "{a,b}"));
                }
            });
            assertThat(controls.get(0)).as("kept plan of the keyed read, sequential scans allowed").contains("Seq Scan on public.group_commit_keyed");
            assertThat(controls.get(1)).as("kept plan of the key check, sequential scans allowed").contains("Seq Scan on public.group_commit_keys");

            assertThat(keyed.submit(1).get(10, TimeUnit.SECONDS)).isEqualTo(1);

            assertThat(seen.get(0)).isEqualTo("force_generic_plan off");
            assertThat(seen.get(1)).as("kept plan ($1 unbound) of the keyed read of the empty table, in a batch")
                    .contains("$1").contains("group_commit_keyed_pkey").doesNotContain("Seq Scan");
            assertThat(seen.get(2)).as("kept plan ($1 unbound) of the key check against the empty table, in a batch")
                    .contains("$1").contains("Index Only Scan using group_commit_keys_idempotency_key").doesNotContain("Seq Scan");
            // Both of the pool's connections at once, so the one the batch used is among them.
            try (Connection first = twoConnections.dataSource().getConnection(); Connection second = twoConnections.dataSource().getConnection();
                 Statement one = first.createStatement(); Statement other = second.createStatement()) {
                assertThat(List.of(single(one, SETTINGS), single(other, SETTINGS))).containsOnly("auto on");
            }
        } finally {
            dropProbeTables(database);
        }
    }

    private static void dropProbeTables(Database database) {
        TestDatabase.execute(database, "drop table if exists group_commit_keyed, group_commit_keys");
    }

    private static final String SETTINGS = "select current_setting('plan_cache_mode') || ' ' || current_setting('enable_seqscan')";

    @Test
    void aBadItemFailsAloneAndItsNeighboursCommit() throws Exception {
        // Proves: a batch holding one item that breaks a constraint is retried item by item: only that item's
        // future fails; the others commit, and every item is still counted once in the figures.
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            results.add(committer.submit(n == 7 ? -7 : n));
        }
        assertThatThrownBy(() -> results.get(7).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        for (int n = 0; n < 20; n++) {
            if (n != 7) {
                assertThat(results.get(n).get(10, TimeUnit.SECONDS)).isEqualTo(n);
            }
        }
        assertThat(TestDatabase.count(database, "select count(*) from group_commit_probe")).isEqualTo(19);
        assertThat(committer.stats().committedMicros().getTotalCount()).isEqualTo(19);
    }

    @Test
    void severalWritersCombineIntoOneFigure() throws Exception {
        // Proves: Stats.combine sums counts and histograms and keeps the largest batch, as the text intake reports its writers.
        for (int n = 0; n < 40; n++) {
            committer.submit(n).get(10, TimeUnit.SECONDS);
        }
        GroupCommitter.Stats one = committer.stats();
        GroupCommitter.Stats both = GroupCommitter.Stats.combine("probe (2 writers)", List.of(one, one));
        assertThat(both.items()).isEqualTo(80);
        assertThat(both.batches()).isEqualTo(2 * one.batches());
        assertThat(both.commitNanos()).isEqualTo(2 * one.commitNanos());
        assertThat(both.writers()).isEqualTo(2);
        assertThat(both.batchSizeLargest()).isEqualTo(one.batchSizeLargest());
        assertThat(both.committedMicros().getTotalCount()).isEqualTo(80);
        assertThat(both.waitMicros().getTotalCount()).isEqualTo(80);
        assertThat(both.durableCommitMicros().getTotalCount()).isEqualTo(both.batches());
        assertThat(both.batchMicros().getTotalCount()).isEqualTo(both.batches());
        assertThat(both.batchItems().getTotalCount()).isEqualTo(both.batches());
        assertThat(both.batchItems().getMaxValue()).isEqualTo(one.batchSizeLargest());
    }

    @Test
    void afterCommitRunsOnlyForCommittedBatchesAndBeforeTheirCallersHear() throws Exception {
        // Proves: committed() runs once per committed transaction, before the items' futures complete; a failed
        // transaction gets rolledBack() instead, and an after-commit step that throws leaves its batch committed.
        List<String> steps = java.util.Collections.synchronizedList(new ArrayList<>());
        GroupCommitter.BatchWork<Integer, Integer> work = new GroupCommitter.BatchWork<>() {
            @Override
            public List<Integer> run(Connection connection, List<Integer> items) throws SQLException {
                try (PreparedStatement insert = connection.prepareStatement("insert into group_commit_probe (n) values (?)")) {
                    for (int n : items) {
                        insert.setInt(1, n);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                steps.add("run " + items);
                return items;
            }

            @Override
            public void committed() {
                steps.add("committed");
                if (steps.stream().filter("committed"::equals).count() == 2) {
                    throw new IllegalStateException("after-commit step broke");
                }
            }

            @Override
            public void rolledBack() {
                steps.add("rolled back");
            }
        };
        try (GroupCommitter<Integer, Integer> hooked = new GroupCommitter<>(new GroupCommitter.Settings("hooked", 1, 10, Duration.ZERO), database, work)) {
            CompletableFuture<Integer> first = hooked.submit(1000);
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(steps).containsExactly("run [1000]", "committed");

            assertThatThrownBy(() -> hooked.submit(-1).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(steps).endsWith("rolled back").doesNotContain("run [-1]");

            assertThat(hooked.submit(1001).get(10, TimeUnit.SECONDS)).as("a throwing after-commit step does not fail the batch").isEqualTo(1001);
        }
        assertThat(TestDatabase.count(database, "select count(*) from group_commit_probe where n >= 1000")).as("each committed once").isEqualTo(2);
    }
}
