package org.appealdesk.ledger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.platform.Sequences;

/**
 * Writes journals. Append-only: a journal is inserted once by its idempotency key and never
 * changed; a correction is another journal.
 *
 * <p>All journals of one appeal are written under that appeal's transaction-scoped advisory lock
 * ({@link AppealBatch}), taken once per batch rather than once per gift. That gives two things
 * without a hot row per donation: journal ids of an appeal grow in commit order (so the totals
 * read model can follow the ledger by id), and the overflow rule sees every earlier allocation.
 */
public final class Ledger {

    /** Advisory-lock namespace for per-appeal ledger locks (the first key of the two-int form). */
    private static final int LEDGER_LOCK_NAMESPACE = 0x4c454447; // "LEDG"

    private final Database database;
    private final Map<String, Long> accountIds = new ConcurrentHashMap<>();

    public Ledger(Database database) {
        this.database = database;
    }

    /** Opens the ledger batch of one appeal inside the caller's transaction, taking its lock; its writes go at once. */
    public AppealBatch openBatch(Connection connection, String appealSlug) throws SQLException {
        return open(new Pipeline(connection), appealSlug, true, null);
    }

    /**
     * Opens the ledger batch of one appeal with the caller's {@code pipeline}: the lock is taken
     * now, in one round trip with whatever the caller left in the pipeline (it runs first), and the
     * batch's writes are then left in the pipeline for the caller to run, with its own.
     */
    public AppealBatch openBatch(Pipeline pipeline, String appealSlug) throws SQLException {
        return open(pipeline, appealSlug, false, null);
    }

    /**
     * The same, for a batch that will post exactly the journals keyed {@code idempotencyKeys}, in
     * that order, with one call of {@link AppealBatch#post}: the keys already written are found and
     * their ids reserved in the lock's own round trip, so the lock is held for one round trip less.
     * (The lock is held to commit, and writers' batches of one appeal cannot overlap while it is.)
     */
    public AppealBatch openBatch(Pipeline pipeline, String appealSlug, List<String> idempotencyKeys) throws SQLException {
        return open(pipeline, appealSlug, false, List.copyOf(idempotencyKeys));
    }

    private AppealBatch open(Pipeline pipeline, String appealSlug, boolean writesAtOnce, List<String> keysAhead) throws SQLException {
        long[] allocated = {-1};
        Instant[] lockedAt = new Instant[1];
        // The server's clock once the lock is held (the select list is evaluated in order): the
        // start of the time other writers' batches wait for it.
        pipeline.query("select pg_advisory_xact_lock(?, hashtext(?)), clock_timestamp()", rows -> {
                    rows.next();
                    lockedAt[0] = rows.getTimestamp(2).toInstant();
                }, LEDGER_LOCK_NAMESPACE, appealSlug)
                .update("insert into ledger_head (appeal_slug) values (?) on conflict (appeal_slug) do nothing", appealSlug)
                .query("select designated_allocated_pence from ledger_head where appeal_slug = ?", rows -> {
                    rows.next();
                    allocated[0] = rows.getLong(1);
                }, appealSlug);
        // After the lock in the pipeline, so they see every journal of the appeal committed before it.
        Ahead ahead = keysAhead == null || keysAhead.isEmpty() ? null
                : new Ahead(keysAhead, existingKeys(pipeline, keysAhead), Sequences.reserve(pipeline, "journal_id_seq", keysAhead.size()));
        pipeline.run();
        return new AppealBatch(pipeline, appealSlug, allocated[0], writesAtOnce, ahead, lockedAt[0]);
    }

    /** The keys a batch said it would post, those of them already written, and an id reserved for each. */
    private record Ahead(List<String> keys, Set<String> existing, long[] ids) {
    }

    /**
     * The journals of one appeal in one transaction. Call {@link #post} as often as needed, then
     * {@link #close} once to record the designated fund's new running allocation.
     */
    public final class AppealBatch {
        private final Pipeline pipeline;
        private final String appealSlug;
        /** Whether each write is sent when made, or left in the caller's pipeline. */
        private final boolean writesAtOnce;
        private long designatedAllocatedPence;
        private long lastJournalId;
        /** Found and reserved with the lock, for the first post (null: none, or used). */
        private Ahead ahead;
        private final Instant lockedAt;

        private AppealBatch(Pipeline pipeline, String appealSlug, long designatedAllocatedPence, boolean writesAtOnce, Ahead ahead,
                            Instant lockedAt) {
            this.pipeline = pipeline;
            this.appealSlug = appealSlug;
            this.designatedAllocatedPence = designatedAllocatedPence;
            this.writesAtOnce = writesAtOnce;
            this.ahead = ahead;
            this.lockedAt = lockedAt;
        }

        /** When the appeal's lock was held, by the database server's clock (this machine's, for an embedded one). */
        public Instant lockedAt() {
            return lockedAt;
        }

        /** How much of the designated fund's cap is taken, including this batch so far. */
        public long designatedAllocatedPence() {
            return designatedAllocatedPence;
        }

        /**
         * Writes the journals whose idempotency keys are new; returns the keys that were new.
         * {@code designatedDelta} per journal tells how much of it went to the designated fund,
         * so the running allocation stays exact even when some journals already existed.
         * One round trip finds the keys already written and reserves an id for every journal (a
         * journal already written leaves its id unused: a gap, as a rollback leaves); the inserts
         * go in a second, or with the caller's pipeline.
         */
        public Set<String> post(List<Journal> journals, List<Long> designatedDeltas, Instant at) throws SQLException {
            if (journals.isEmpty()) {
                return Set.of();
            }
            for (Journal journal : journals) {
                if (!journal.appealSlug().equals(appealSlug)) {
                    throw new IllegalArgumentException("journal " + journal.idempotencyKey() + " is for " + journal.appealSlug() + ", batch is for " + appealSlug);
                }
            }
            Set<String> existing;
            long[] ids;
            List<String> keys = journals.stream().map(Journal::idempotencyKey).toList();
            if (ahead != null) {
                if (!ahead.keys().equals(keys)) {
                    throw new IllegalArgumentException("posting journals " + keys + " after opening the batch for " + ahead.keys());
                }
                existing = ahead.existing();
                ids = ahead.ids();
                ahead = null;
            } else {
                existing = existingKeys(pipeline, keys);
                ids = Sequences.reserve(pipeline, "journal_id_seq", journals.size());
                pipeline.run();
            }
            Set<String> written = new HashSet<>();
            List<Journal> toWrite = new ArrayList<>();
            List<Long> toWriteIds = new ArrayList<>();
            int next = 0;
            for (int i = 0; i < journals.size(); i++) {
                Journal journal = journals.get(i);
                if (existing.contains(journal.idempotencyKey()) || !written.add(journal.idempotencyKey())) {
                    continue;
                }
                long id = ids[next++];
                toWrite.add(journal);
                toWriteIds.add(id);
                designatedAllocatedPence = Math.addExact(designatedAllocatedPence, designatedDeltas.get(i));
                lastJournalId = Math.max(lastJournalId, id);
            }
            insert(toWrite, toWriteIds, at);
            if (writesAtOnce) {
                pipeline.run();
            }
            return written;
        }

        /** Adds the journals and their postings to the pipeline: one statement each. */
        private void insert(List<Journal> journals, List<Long> ids, Instant at) throws SQLException {
            int n = journals.size();
            String[] slugs = new String[n];
            String[] kinds = new String[n];
            String[] keys = new String[n];
            Long[] donationIds = new Long[n];
            Timestamp[] createdAt = new Timestamp[n];
            String[] memos = new String[n];
            List<Long> postingJournals = new ArrayList<>();
            List<Long> postingAccounts = new ArrayList<>();
            List<Long> postingAmounts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Journal journal = journals.get(i);
                slugs[i] = appealSlug;
                kinds[i] = journal.kind().name();
                keys[i] = journal.idempotencyKey();
                donationIds[i] = journal.donationId();
                createdAt[i] = Timestamp.from(at);
                memos[i] = journal.memo();
                for (Posting posting : journal.postings()) {
                    postingJournals.add(ids.get(i));
                    postingAccounts.add(accountId(posting, appealSlug));
                    postingAmounts.add(posting.amountPence());
                }
            }
            ArrayInsert.into("journal", n).column("id", "bigint", ids.toArray(new Long[0])).column("appeal_slug", "text", slugs)
                    .column("kind", "text", kinds).column("idempotency_key", "text", keys).column("donation_id", "bigint", donationIds)
                    .column("created_at", "timestamptz", createdAt).column("memo", "text", memos)
                    .addTo(pipeline);
            int postings = postingJournals.size();
            ArrayInsert.into("posting", postings).column("journal_id", "bigint", postingJournals.toArray(new Long[0]))
                    .column("account_id", "bigint", postingAccounts.toArray(new Long[0]))
                    .column("amount_pence", "bigint", postingAmounts.toArray(new Long[0]))
                    .addTo(pipeline);
        }

        /** Records the running allocation; the lock is released when the transaction ends. */
        public void close() throws SQLException {
            pipeline.update("update ledger_head set designated_allocated_pence = ?, last_journal_id = greatest(last_journal_id, ?) where appeal_slug = ?",
                    designatedAllocatedPence, lastJournalId, appealSlug);
            if (writesAtOnce) {
                pipeline.run();
            }
        }
    }

    /** Adds the query for the keys already written to the pipeline; the set is filled when it runs. */
    private static Set<String> existingKeys(Pipeline pipeline, List<String> keys) throws SQLException {
        Set<String> existing = new HashSet<>();
        // One index probe per key whatever the statistics say: "= any(?)" was planned as a scan
        // of the whole journal while it grew from empty (39 ms a call under load).
        pipeline.query("select k.key from unnest(?::text[]) k(key) where exists (select 1 from journal j where j.idempotency_key = k.key)",
                rows -> {
                    while (rows.next()) {
                        existing.add(rows.getString(1));
                    }
                }, pipeline.connection().createArrayOf("text", keys.toArray(new String[0])));
        return existing;
    }

    /**
     * The account's id, creating the account on first use. Creation runs in its own short
     * transaction so a cached id always names a committed row, even if the caller's batch later
     * rolls back (a cached id from a rolled-back insert would break every later batch).
     */
    private long accountId(Posting posting, String appealSlug) {
        Long cached = accountIds.get(posting.accountCode());
        if (cached != null) {
            return cached;
        }
        long id = database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into account (code, kind, appeal_slug) values (?, ?, ?) on conflict (code) do nothing")) {
                insert.setString(1, posting.accountCode());
                insert.setString(2, posting.kind().name());
                insert.setString(3, appealSlug);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("select id from account where code = ?")) {
                select.setString(1, posting.accountCode());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
        accountIds.putIfAbsent(posting.accountCode(), id);
        return id;
    }
}
