package org.appealdesk.cli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stretch of PostgreSQL's WAL holds, counted by kind and by the table each record changed
 * (pg_walinspect): rows inserted, updates HOT and not, deletes, row locks, index entries. Set beside
 * the gifts of the same stretch it is the database's work a gift in counts, which do not drift with
 * the machine as CPU figures do; an index entry is an index that a new row version had to enter.
 *
 * <p>Each WAL record is counted once, for the relation of its first block (an update's new page, a
 * B-tree insert's leaf), and an index's records for the table it indexes. Full-page images are
 * counted on every block. An index entry is a B-tree leaf insert, or a page split, which logs the
 * entry that caused it (an internal page's rare split is counted too). Not counted by kind: rows
 * that COPY inserts several to a record (the platform uses none), and records that name no block
 * (commits), which {@code records} and {@code bytes} leave out and {@code walBytes} holds. Reading
 * the WAL back costs PostgreSQL about a second for every 30 MB (11 s for the 300 MB of 30 s at
 * 2,000 texts/s on the bench's machine), so the bench reads a few seconds of it, after the window.
 *
 * @param seconds   the stretch's length
 * @param unit      what {@code units} counts: "gift" (thank-yous received, in full mode) or "text" (acknowledged)
 * @param units     gifts or texts in the stretch; the figures a unit are the totals over this
 * @param textsAcknowledged texts acknowledged in the stretch: against the gifts, it says whether the
 *                  stretch's writes belong to its gifts (a run falling behind writes for texts
 *                  whose gifts come later)
 * @param walBytes  the stretch's WAL, every record included
 * @param perUnit   every table together, a unit
 * @param byTable   each table's share, a unit, the tables with most records first
 */
record WalCensus(double seconds, String unit, long units, long textsAcknowledged, long walBytes, Kinds perUnit, Map<String, Kinds> byTable) {

    /** How much of each kind of work (in records, or bytes for {@code bytes}). */
    record Kinds(double rowsInserted, double hotUpdates, double otherUpdates, double deletes, double rowLocks,
                 double indexEntries, double speculativeConfirms, double fullPageImages, double records, double bytes) {

        static final Kinds NONE = new Kinds(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** The table rows and index entries written: what a table's line in the summary is about. */
        double rowWork() {
            return rowsInserted + hotUpdates + otherUpdates + deletes + rowLocks + indexEntries;
        }

        Kinds plus(Kinds other) {
            return new Kinds(rowsInserted + other.rowsInserted, hotUpdates + other.hotUpdates, otherUpdates + other.otherUpdates,
                    deletes + other.deletes, rowLocks + other.rowLocks, indexEntries + other.indexEntries,
                    speculativeConfirms + other.speculativeConfirms, fullPageImages + other.fullPageImages, records + other.records,
                    bytes + other.bytes);
        }

        Kinds per(long units) {
            double d = Math.max(1, units);
            // Hundredths, as the rest of the report ({@link BenchRun#round}).
            return new Kinds(BenchRun.round(rowsInserted / d), BenchRun.round(hotUpdates / d), BenchRun.round(otherUpdates / d),
                    BenchRun.round(deletes / d), BenchRun.round(rowLocks / d), BenchRun.round(indexEntries / d),
                    BenchRun.round(speculativeConfirms / d), BenchRun.round(fullPageImages / d), BenchRun.round(records / d),
                    Math.round(bytes / d));
        }
    }

    /** The table a record is counted for when its relation is not one of this database's (a shared catalog, a dropped table). */
    static final String OTHER = "(other)";

    /** How long {@link #read} waits for the stretch to be flushed before reading it anyway. */
    private static final long FLUSH_WAIT_MS_MAX = 5_000;

    /**
     * One row per table: its records by kind. {@code show_data => false} leaves out the blocks'
     * contents, which the counts do not need. A record's first block (block_id 0) names its relation
     * ({@code first}: each record once); an index is counted for its table.
     */
    private static final String BY_TABLE = "select coalesce(ix.indrelid, c.oid)::regclass::text,"
            + " count(*) filter (where first and kind in ('Heap/INSERT', 'Heap/INSERT+INIT')),"
            + " count(*) filter (where first and kind in ('Heap/HOT_UPDATE', 'Heap/HOT_UPDATE+INIT')),"
            + " count(*) filter (where first and kind in ('Heap/UPDATE', 'Heap/UPDATE+INIT')),"
            + " count(*) filter (where first and kind = 'Heap/DELETE'),"
            + " count(*) filter (where first and kind = 'Heap/LOCK'),"
            + " count(*) filter (where first and kind in ('Btree/INSERT_LEAF', 'Btree/INSERT_POST', 'Btree/SPLIT_L', 'Btree/SPLIT_R')),"
            + " count(*) filter (where first and kind = 'Heap/HEAP_CONFIRM'),"
            + " count(*) filter (where b.block_fpi_length > 0),"
            + " count(*) filter (where first),"
            + " coalesce(sum(b.record_length) filter (where first), 0)"
            + " from (select w.*, w.block_id = 0 as first, w.resource_manager || '/' || w.record_type as kind"
            + "   from pg_get_wal_block_info(?::pg_lsn, ?::pg_lsn, false) w) b"
            + " left join pg_class c on c.relfilenode = b.relfilenode"
            + "   and b.reldatabase = (select oid from pg_database where datname = current_database())"
            + " left join pg_index ix on ix.indexrelid = c.oid"
            + " group by 1";

    /**
     * Reads the WAL from {@code fromLsn} to {@code toLsn} (as PostgreSQL writes positions, e.g.
     * "0/1A2B3C4D") on {@code connection}, a superuser's, and counts it against {@code units} of
     * {@code unit}, beside the {@code texts} acknowledged in it. Creates the pg_walinspect extension
     * if the database lacks it.
     */
    static WalCensus read(Connection connection, String fromLsn, String toLsn, double seconds, String unit, long units, long texts)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create extension if not exists pg_walinspect");
        }
        awaitFlushed(connection, toLsn);
        long walBytes;
        try (PreparedStatement diff = connection.prepareStatement("select pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::bigint")) {
            diff.setString(1, toLsn);
            diff.setString(2, fromLsn);
            try (ResultSet row = diff.executeQuery()) {
                row.next();
                walBytes = row.getLong(1);
            }
        }
        List<Map.Entry<String, Kinds>> tables = new ArrayList<>();
        try (PreparedStatement census = connection.prepareStatement(BY_TABLE)) {
            census.setString(1, fromLsn);
            census.setString(2, toLsn);
            try (ResultSet rows = census.executeQuery()) {
                while (rows.next()) {
                    String table = rows.getString(1);
                    tables.add(Map.entry(table == null ? OTHER : table, new Kinds(rows.getLong(2), rows.getLong(3), rows.getLong(4),
                            rows.getLong(5), rows.getLong(6), rows.getLong(7), rows.getLong(8), rows.getLong(9), rows.getLong(10),
                            rows.getLong(11))));
                }
            }
        }
        return of(seconds, unit, units, texts, walBytes, tables);
    }

    /**
     * Waits, boundedly, until PostgreSQL has flushed the WAL up to {@code lsn}: pg_walinspect reads
     * only flushed WAL. A durable server flushed it at each commit; one without synchronous commits
     * (the tests') does within its WAL writer's delay.
     */
    private static void awaitFlushed(Connection connection, String lsn) throws SQLException {
        long deadline = System.nanoTime() + FLUSH_WAIT_MS_MAX * 1_000_000;
        try (PreparedStatement flushed = connection.prepareStatement("select pg_current_wal_flush_lsn() >= ?::pg_lsn")) {
            flushed.setString(1, lsn);
            while (System.nanoTime() - deadline < 0) {
                try (ResultSet row = flushed.executeQuery()) {
                    row.next();
                    if (row.getBoolean(1)) {
                        return;
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The census of {@code tables}' counts (several entries of one table are added), a unit; the busiest tables first. */
    static WalCensus of(double seconds, String unit, long units, long texts, long walBytes, List<Map.Entry<String, Kinds>> tables) {
        Map<String, Kinds> summed = new LinkedHashMap<>();
        tables.forEach(entry -> summed.merge(entry.getKey(), entry.getValue(), Kinds::plus));
        Kinds total = summed.values().stream().reduce(Kinds.NONE, Kinds::plus);
        Map<String, Kinds> byTable = new LinkedHashMap<>();
        summed.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, Kinds> e) -> -e.getValue().records()).thenComparing(Map.Entry::getKey))
                .forEach(e -> byTable.put(e.getKey(), e.getValue().per(units)));
        return new WalCensus(seconds, unit, units, texts, walBytes, total.per(units), byTable);
    }

    /** The WAL bytes a unit, every record included. */
    long walBytesPerUnit() {
        return units == 0 ? 0 : Math.round((double) walBytes / units);
    }
}
