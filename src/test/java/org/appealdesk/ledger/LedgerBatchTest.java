package org.appealdesk.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** A ledger batch opened on the caller's pipeline (the charge path), on the real embedded PostgreSQL. */
class LedgerBatchTest {

    private static final String SLUG = "ledger-test";
    private static final Instant AT = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void journalsLeftInTheCallersPipelineAreWrittenOnceAndAJournalWrittenBeforeIsNotWrittenAgain() throws Exception {
        // Proves: a batch on the caller's pipeline posting three journals, one of which exists already, writes only the
        // two new ones (with their postings) once the caller runs the pipeline, and counts and reports only those; a
        // second such batch is just as exact.
        Database database = TestDatabase.clean();
        Ledger ledger = new Ledger(database);
        database.inTransactionVoid(connection -> {
            Ledger.AppealBatch first = ledger.openBatch(connection, SLUG);
            first.post(List.of(gift("gift:1", 300)), List.of(300L), AT);
            first.close();
        });

        Set<String> written = postOnPipeline(database, ledger, List.of(gift("gift:1", 300), gift("gift:2", 500), gift("gift:3", 1000)),
                List.of(300L, 500L, 1000L));
        assertThat(written).containsExactlyInAnyOrder("gift:2", "gift:3");
        Set<String> again = postOnPipeline(database, ledger, List.of(gift("gift:3", 1000), gift("gift:5", 200)), List.of(1000L, 200L));
        assertThat(again).containsExactly("gift:5");

        assertThat(TestDatabase.count(database, "select count(*) from journal where appeal_slug = '" + SLUG + "'")).isEqualTo(4);
        assertThat(TestDatabase.count(database, "select count(*) from posting p join journal j on j.id = p.journal_id where j.appeal_slug = '"
                + SLUG + "'")).isEqualTo(8);
        assertThat(TestDatabase.count(database, "select designated_allocated_pence from ledger_head where appeal_slug = '" + SLUG + "'"))
                .as("300 + 500 + 1000 + 200: the journal written before counted once").isEqualTo(2_000);
        assertThat(TestDatabase.count(database, "select coalesce(sum(amount_pence), 0) from posting")).as("every journal balances").isZero();
    }

    @Test
    void keysAnnouncedWithTheLockAreCheckedAndReservedInItsRoundTripAndPostedExactlyOnce() throws Exception {
        // Proves: a batch opened with the keys it will post (the charge path, which finds the keys already written and
        // reserves ids in the lock's round trip) writes only the journals not written before, leaves nothing for post to
        // run before the caller's pipeline, and refuses a post of other keys than it announced.
        Database database = TestDatabase.clean();
        Ledger ledger = new Ledger(database);
        assertThat(postAhead(database, ledger, List.of(gift("gift:1", 300)), List.of(300L))).containsExactly("gift:1");
        assertThat(postAhead(database, ledger, List.of(gift("gift:1", 300), gift("gift:2", 500), gift("gift:3", 1000)), List.of(300L, 500L, 1000L)))
                .containsExactlyInAnyOrder("gift:2", "gift:3");

        assertThat(TestDatabase.count(database, "select count(*) from journal where appeal_slug = '" + SLUG + "'")).isEqualTo(3);
        assertThat(TestDatabase.count(database, "select designated_allocated_pence from ledger_head where appeal_slug = '" + SLUG + "'"))
                .as("300 + 500 + 1000: the journal written before counted once").isEqualTo(1_800);
        assertThat(TestDatabase.count(database, "select coalesce(sum(amount_pence), 0) from posting")).as("every journal balances").isZero();
        assertThatThrownBy(() -> database.inTransactionVoid(connection -> {
            Ledger.AppealBatch batch = ledger.openBatch(new Pipeline(connection), SLUG, List.of("gift:4"));
            batch.post(List.of(gift("gift:5", 100)), List.of(100L), AT);
        })).hasMessageContaining("gift:5").hasMessageContaining("gift:4");
    }

    /** As {@link #postOnPipeline}, with the keys announced when the batch is opened: post itself adds only writes to the pipeline. */
    private static Set<String> postAhead(Database database, Ledger ledger, List<Journal> journals, List<Long> designated) {
        return database.inTransaction(connection -> {
            Pipeline pipeline = new Pipeline(connection);
            Ledger.AppealBatch batch = ledger.openBatch(pipeline, SLUG, journals.stream().map(Journal::idempotencyKey).toList());
            assertThat(pipeline.isEmpty()).as("the lock's round trip has run").isTrue();
            Set<String> keys = batch.post(journals, designated, AT);
            batch.close();
            pipeline.run();
            return keys;
        });
    }

    /** One transaction as the charge-events writer makes it: batch opened on its pipeline, posted, closed, then the pipeline run. */
    private static Set<String> postOnPipeline(Database database, Ledger ledger, List<Journal> journals, List<Long> designated) {
        return database.inTransaction(connection -> {
            Pipeline pipeline = new Pipeline(connection);
            Ledger.AppealBatch batch = ledger.openBatch(pipeline, SLUG);
            Set<String> keys = batch.post(journals, designated, AT);
            batch.close();
            pipeline.run();
            return keys;
        });
    }

    /** A charged gift as the charge path books it: receivable debited, the designated fund credited. */
    private static Journal gift(String key, long pence) {
        return new Journal(SLUG, JournalKind.CHARGE, key, null,
                List.of(new Posting(Accounts.receivable(SLUG, "VODAFONE"), AccountKind.RECEIVABLE, pence),
                        new Posting(Accounts.fund(SLUG, "designated"), AccountKind.FUND, -pence)),
                "test gift");
    }
}
