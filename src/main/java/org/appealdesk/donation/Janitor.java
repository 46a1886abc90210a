package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revisits only the uncertain (Kill Bill's janitor, not a sweeper of everything): messages claimed
 * by a sender that never reported back, parts whose report is overdue (they become UNKNOWN), and
 * UNKNOWN parts that outlived the charge's time to live (taken as not charged; settlement
 * reconciliation catches the rare network that billed anyway).
 *
 * <p>One node looks at a time: a transaction advisory lock is tried before each look, and a node
 * that does not get it skips the pass. What the janitor finds it hands to the charge-event
 * committer as ordinary events, whose lifecycle ignores anything already resolved, so even two
 * passes finding the same part change it once. The janitor never sends anything: a part it gives
 * up on is declined, never charged again (an unlocked janitor that re-sent is how a peer
 * double-charged).
 */
public final class Janitor {

    private static final Logger log = LoggerFactory.getLogger(Janitor.class);
    private static final int JANITOR_LOCK_NAMESPACE = 0x4a414e49; // "JANI"
    /** Most rows one pass looks at per question; the next pass takes the rest. */
    public static final int ROWS_PER_PASS_MAX = 5_000;

    private final Database database;
    private final ChargeEventService events;
    private final ChargeSettings settings;
    private final InstantSource clock;

    public Janitor(Database database, ChargeEventService events, ChargeSettings settings, InstantSource clock) {
        this.database = database;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    /** What one pass did, for logs and tests. */
    public record Pass(boolean ran, int claimsAbandoned, int reportsOverdue, int unknownsExpired) {
    }

    /** One pass; safe to call from a scheduler on every node. */
    public Pass runOnce() {
        Instant now = clock.instant();
        List<ChargeEvent> found = new ArrayList<>();
        int[] counts = new int[3];
        boolean ran = database.inTransaction(connection -> {
            if (!tryLock(connection)) {
                return false;
            }
            counts[0] = collect(connection, "select id from outbox where state = 'SENDING' and claimed_at < ? order by claimed_at limit ?",
                    now.minus(settings.claimTimeout()), id -> found.add(new ChargeEvent.ClaimAbandoned(id)));
            counts[1] = collect(connection, "select id from charge_part where state = 'SUBMITTED' and submitted_at < ? order by submitted_at limit ?",
                    now.minus(settings.reportWait()), id -> found.add(new ChargeEvent.ReportOverdue(id)));
            counts[2] = collect(connection, "select id from charge_part where state = 'UNKNOWN' and unknown_at < ? order by unknown_at limit ?",
                    now.minus(settings.unknownExpiry()), id -> found.add(new ChargeEvent.UnknownExpired(id)));
            return true;
        });
        // Events go through the one committer that applies network reports, so a report racing
        // the janitor is applied in a definite order; the lifecycle ignores whichever comes second.
        for (ChargeEvent event : found) {
            events.submitAndWait(event);
        }
        if (!found.isEmpty()) {
            log.info("janitor: {} abandoned claims, {} overdue reports, {} expired unknowns", counts[0], counts[1], counts[2]);
        }
        return new Pass(ran, counts[0], counts[1], counts[2]);
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

    private static int collect(Connection connection, String sql, Instant before, java.util.function.LongConsumer sink) throws SQLException {
        int count = 0;
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setTimestamp(1, Timestamp.from(before));
            select.setInt(2, ROWS_PER_PASS_MAX);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sink.accept(rows.getLong(1));
                    count++;
                }
            }
        }
        return count;
    }
}
