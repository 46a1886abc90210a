package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.appealdesk.platform.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revisits only the uncertain (Kill Bill's janitor, not a sweeper of everything): messages claimed
 * by a sender that never reported back, parts whose report is overdue (they become UNKNOWN), and
 * UNKNOWN parts that outlived the charge's time to live (taken as not charged; settlement
 * reconciliation catches the rare network that billed anyway). With each full look it also folds
 * the donation state counts of ended connections ({@link DonationStateCounts}).
 *
 * <p>One node looks at a time: a transaction advisory lock is tried before each look, and a node
 * that does not get it skips the pass. What the janitor finds it hands to the charge events'
 * committers as ordinary events, whose lifecycle ignores anything already resolved, so even two
 * passes finding the same part change it once. The janitor never sends anything: a part it gives
 * up on is declined, never charged again (an unlocked janitor that re-sent is how a peer
 * double-charged). Its full look also makes claimable the messages a node from before V11 put back
 * to PENDING with their claim time ({@link #unclaimDueMessages}).
 */
public final class Janitor {

    private static final Logger log = LoggerFactory.getLogger(Janitor.class);
    private static final int JANITOR_LOCK_NAMESPACE = 0x4a414e49; // "JANI"
    /** Most rows one pass looks at per question; the next pass takes the rest. */
    public static final int ROWS_PER_PASS_MAX = 5_000;

    /**
     * How often the abandoned-claim and overdue questions read from the first message ever claimed
     * and the first part ever accepted instead of from where their previous look ended: the safety
     * net for a row committed after a look had already passed its time (a commit delayed by more
     * than the wait, or another node's clock behind by that much). Such a row is found up to this
     * much later; none is left. A full look reads every part ever accepted (71-76 ms at a million
     * parts: BENCHMARKS.md, "Charged parts in place") and every message ever claimed, growing with
     * the tables.
     */
    public static final Duration FULL_LOOK_EVERY = Duration.ofMinutes(10);

    private final Database database;
    private final ChargeEventService events;
    private final ChargeSettings settings;
    private final InstantSource clock;
    private final int rowsPerPass;

    /*
     * Where the abandoned-claim and overdue questions start reading. Their indexes are on
     * outbox.claimed_at and charge_part.submitted_at alone (no predicate on state, so a row's last
     * change can be a HOT update: V8, V11), so they hold every row ever claimed or accepted; reading
     * from the beginning each second would cost more the longer an appeal runs. Kept in memory: a
     * node that starts, or did not hold the lock, reads from further back, never less. Guarded by
     * this (one pass at a time).
     */
    private final ReadOn claims = new ReadOn();
    private final ReadOn overdue = new ReadOn();
    /** When the last full look ran, by the clock; null before the first. A clock that has gone back before it brings the next one forward. */
    private Instant lastFullLook;

    public Janitor(Database database, ChargeEventService events, ChargeSettings settings, InstantSource clock) {
        this(database, events, settings, clock, ROWS_PER_PASS_MAX);
    }

    /** With fewer rows per pass, so a test can make a pass stop short. */
    Janitor(Database database, ChargeEventService events, ChargeSettings settings, InstantSource clock, int rowsPerPass) {
        this.database = database;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        if (rowsPerPass < 1) {
            throw new IllegalArgumentException("the janitor needs at least 1 row a pass, got " + rowsPerPass);
        }
        this.rowsPerPass = rowsPerPass;
    }

    /** What one pass did, for logs and tests. */
    public record Pass(boolean ran, int claimsAbandoned, int reportsOverdue, int unknownsExpired) {
    }

    /** One pass; safe to call from a scheduler on every node. */
    public synchronized Pass runOnce() {
        Instant now = clock.instant();
        boolean fullLook = lastFullLook == null || now.isBefore(lastFullLook) || !now.isBefore(lastFullLook.plus(FULL_LOOK_EVERY));
        Instant claimedBefore = now.minus(settings.claimTimeout());
        Instant overdueBefore = now.minus(settings.reportWait());
        List<ChargeEvent> found = new ArrayList<>();
        int[] counts = new int[3];
        boolean ran = database.inTransaction(connection -> {
            if (!tryLock(connection)) {
                return false;
            }
            // Each reads every row claimed or accepted in its range, finished or not (a heap visit
            // each): about one janitor interval's rows per pass, and all of them once per
            // FULL_LOOK_EVERY. The full look is its own statement, so a plan cached for the short
            // range is not reused for the whole table.
            counts[0] = claims.look(connection, fullLook, "outbox", "claimed_at", "SENDING", claimedBefore,
                    id -> found.add(new ChargeEvent.ClaimAbandoned(id)));
            counts[1] = overdue.look(connection, fullLook, "charge_part", "submitted_at", "SUBMITTED", overdueBefore,
                    id -> found.add(new ChargeEvent.ReportOverdue(id)));
            counts[2] = collect(connection, "select id, unknown_since from charge_part where state = 'UNKNOWN' and unknown_since < ? order by unknown_since limit ?",
                    null, now.minus(settings.unknownExpiry()), (id, at) -> found.add(new ChargeEvent.UnknownExpired(id)));
            return true;
        });
        // Events go through the committers that apply network reports, so a report racing the
        // janitor is applied in a definite order (under the donation's row lock); the lifecycle
        // ignores whichever comes second.
        for (ChargeEvent event : found) {
            events.submitAndWait(event);
        }
        if (ran) {
            // Every row found has moved on now (or was resolved by an answer that won the race).
            claims.lookedAt();
            overdue.lookedAt();
            if (fullLook) {
                lastFullLook = now;
                foldStateCounts();
                unclaimDueMessages();
            }
        }
        if (!found.isEmpty()) {
            log.info("janitor: {} abandoned claims, {} overdue reports, {} expired unknowns", counts[0], counts[1], counts[2]);
        }
        return new Pass(ran, counts[0], counts[1], counts[2]);
    }

    /**
     * One question read forward on a time column set once (when a message is claimed, when a part
     * is accepted): rows still in {@code state} with a time before the look's end. A look starts
     * where the previous one ended; a full look starts from the beginning, the safety net for a row
     * committed after a look had already passed its time (a commit delayed by more than the wait,
     * or another node's clock behind by that much). Such a row is found up to
     * {@link #FULL_LOOK_EVERY} later; none is left.
     */
    private final class ReadOn {
        private Instant from; // null: read from the beginning
        private Instant next; // where the next look starts, once this one is known to have run

        int look(Connection connection, boolean full, String table, String column, String state, Instant before,
                 LongConsumer sink) throws SQLException {
            full |= from == null; // never read on from nowhere, whatever the caller thought
            String range = full ? column + " < ?" : column + " >= ? and " + column + " < ?";
            Instant[] last = new Instant[1];
            int count = collect(connection, "select id, " + column + " from " + table + " where " + range
                            + " and state = '" + state + "' order by " + column + " limit ?",
                    full ? null : from, before, (id, at) -> {
                        sink.accept(id);
                        last[0] = at;
                    });
            // A full pass ends at the last row found (rows of that same instant are read again);
            // otherwise the next look starts at this one's end.
            next = count == rowsPerPass ? last[0] : before;
            return count;
        }

        /** The look ran to its end and what it found was handled: the next starts where it stopped. */
        void lookedAt() {
            from = next;
        }
    }

    /**
     * Housekeeping at the full look's slow pace: the donation state counts' rows of ended
     * connections. Its own transaction, so a failure here never undoes what the look found.
     */
    private void foldStateCounts() {
        try {
            database.inTransaction(DonationStateCounts::foldEnded);
        } catch (RuntimeException e) {
            // The counts stay right unfolded (a few rows more to sum); the next full look tries again.
            log.warn("janitor: folding the donation state counts failed; will retry: {}", e.toString());
        }
    }

    /**
     * Housekeeping at the full look's pace: messages due again (PENDING) that kept their claim
     * time. This code clears claimed_at whenever a message goes back to PENDING, and the claim's
     * index holds only unclaimed messages (V11); a node still running the code from before V11
     * does not, and without this its retries would never be claimed again. Reads the whole outbox
     * (no index serves the question), once per {@link #FULL_LOOK_EVERY} on the node holding the
     * janitor's lock. Its own transaction, so a failure here never undoes what the look found.
     * Needed only while nodes from before V11 may run; it can go once none can.
     */
    private void unclaimDueMessages() {
        try {
            int unclaimed = database.inTransaction(connection -> {
                if (!tryLock(connection)) {
                    return 0;
                }
                try (PreparedStatement update = connection.prepareStatement(
                        "update outbox set claimed_at = null where state = 'PENDING' and claimed_at is not null")) {
                    return update.executeUpdate();
                }
            });
            if (unclaimed > 0) {
                log.warn("janitor: {} messages due again still carried a claim time (written by a node older than V11); made claimable", unclaimed);
            }
        } catch (RuntimeException e) {
            log.warn("janitor: making due messages claimable failed; will retry at the next full look: {}", e.toString());
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?, 0)")) {
            lock.setInt(1, JANITOR_LOCK_NAMESPACE);
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** A row found: its id and the time the question orders by. */
    private interface Found {
        void accept(long id, Instant at);
    }

    /** Runs one question: rows from {@code from} (when not null) to before {@code before}, at most one pass's worth. */
    private int collect(Connection connection, String sql, Instant from, Instant before, Found sink) throws SQLException {
        int count = 0;
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int parameter = 1;
            if (from != null) {
                select.setTimestamp(parameter++, Timestamp.from(from));
            }
            select.setTimestamp(parameter++, Timestamp.from(before));
            select.setInt(parameter, rowsPerPass);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sink.accept(rows.getLong(1), rows.getTimestamp(2).toInstant());
                    count++;
                }
            }
        }
        return count;
    }
}
