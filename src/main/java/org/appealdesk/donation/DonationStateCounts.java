package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Housekeeping of the running counts of donations by state (V10). The database's triggers keep
 * them, one row per (appeal, state, writing backend), so writers never share a row; each backend
 * that ends leaves its rows behind. Folding moves those rows into shard 0, keeping every sum, so
 * the counts stay a few rows per state however many connections have come and gone.
 */
public final class DonationStateCounts {

    /*
     * One statement, so the deleted rows and their sum in shard 0 change together; a row is folded
     * whole, so every sum is kept. Rows whose backend has ended are taken in key order and only if
     * no one holds them ("skip locked"): a backend that has since started with the same process id
     * and is adding to that row keeps it, and the fold never waits on a writer or takes its locks
     * in another order. Shard 0 rows are upserted in key order, as the triggers do theirs.
     */
    static final String FOLD_SQL = "with ended as (delete from donation_state_count c where (c.appeal_slug, c.state, c.shard) in"
            + " (select x.appeal_slug, x.state, x.shard from donation_state_count x where x.shard <> 0"
            + " and not exists (select 1 from pg_stat_activity a where a.pid = x.shard)"
            + " order by x.appeal_slug, x.state, x.shard for update skip locked)"
            + " returning c.appeal_slug, c.state, c.donations)"
            + " insert into donation_state_count as c (appeal_slug, state, shard, donations)"
            + " select appeal_slug, state, 0, sum(donations) from ended group by appeal_slug, state order by appeal_slug, state"
            + " on conflict (appeal_slug, state, shard) do update set donations = c.donations + excluded.donations";

    /**
     * Counts every donation again, as V10 first did. Writers of donations wait meanwhile (the count
     * and the new rows are one transaction), so nothing changes between them.
     */
    private static final String[] RECOUNT_SQL = {
        "lock table donation in share row exclusive mode",
        "delete from donation_state_count",
        "insert into donation_state_count (appeal_slug, state, shard, donations)"
                + " select appeal_slug, state, 0, count(*) from donation group by appeal_slug, state"};

    private DonationStateCounts() {
    }

    /**
     * Replaces the running counts with a count of the donations, for counts that `verify` finds
     * wrong: possible only if donations were written with the triggers off (a replica session, a
     * restore with triggers disabled). Call it in a transaction of its own; it holds off every
     * writer of donations until that commits. Returns how many (appeal, state) counts it wrote.
     */
    public static int recount(Connection connection) throws SQLException {
        int written = 0;
        for (String sql : RECOUNT_SQL) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                written = statement.executeUpdate();
            }
        }
        return written;
    }

    /** Folds the rows of backends that have ended into shard 0; returns how many (appeal, state) sums took them. */
    public static int foldEnded(Connection connection) throws SQLException {
        try (PreparedStatement fold = connection.prepareStatement(FOLD_SQL)) {
            return fold.executeUpdate();
        }
    }
}
