package org.appealdesk.cli.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.platform.StatementStatistics;

/**
 * A connection of the bench's own to the PostgreSQL under test, for what the server knows and the
 * platform does not: its version, commit and WAL counters (how many fsyncs the run cost), and what
 * busy backends are waiting on (locks, WAL flushes, I/O) and its background work (vacuums,
 * analyses, the checkpointer) sampled during the run. Not thread-safe: one caller at a time.
 */
final class PostgresProbe implements AutoCloseable {

    /** Characters of a statement's text kept in a report. */
    static final int STATEMENT_TEXT_LENGTH_MAX = 160;

    private final Connection connection;
    /**
     * Autovacuum's counts per table at the previous {@link #background()} (or {@link #backgroundFrom(Map)}),
     * so the next one can name the tables it finished with in between; null before the first.
     */
    private Map<String, TableUpdates> autovacuumCounts;

    private PostgresProbe(Connection connection) {
        this.connection = connection;
    }

    static PostgresProbe open(DatabaseSettings settings) {
        try {
            Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
            connection.setAutoCommit(true);
            return new PostgresProbe(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the benchmark's PostgreSQL: " + e.getMessage(), e);
        }
    }

    String version() {
        return single("show server_version");
    }

    /** A server setting as the server reports it, e.g. "synchronous_commit" gives "on". */
    /** Refuses to measure on a server that is not durable after all. */
    void requireDurable() {
        for (String setting : org.appealdesk.platform.EmbeddedPostgresServer.DURABILITY_SETTINGS) {
            String actual = setting(setting);
            if (!"on".equals(actual)) {
                throw new IllegalStateException("the benchmark's PostgreSQL has " + setting + " = " + actual
                        + ", not on: figures would not be those of durable commits");
            }
        }
    }

    String setting(String name) {
        if (!name.matches("[a-z_]{1,63}")) {
            throw new IllegalArgumentException("not a setting name: " + name);
        }
        return single("show " + name);
    }

    /** Server counters that only grow; differences between two readings describe the work between them. */
    record Counters(long commits, long rollbacks, long walRecords, long walBytes, long walSyncs, double walSyncMs, long walWrites, long walBuffersFull) {
        Counters minus(Counters earlier) {
            return new Counters(commits - earlier.commits, rollbacks - earlier.rollbacks, walRecords - earlier.walRecords,
                    walBytes - earlier.walBytes, walSyncs - earlier.walSyncs, walSyncMs - earlier.walSyncMs,
                    walWrites - earlier.walWrites, walBuffersFull - earlier.walBuffersFull);
        }
    }

    Counters counters() {
        try (Statement statement = connection.createStatement();
             ResultSet database = statement.executeQuery(
                     "select xact_commit, xact_rollback from pg_stat_database where datname = current_database()")) {
            database.next();
            long commits = database.getLong(1);
            long rollbacks = database.getLong(2);
            // pg_stat_wal is PostgreSQL 14+; its sync columns moved to pg_stat_io in 18, so read what is there.
            long[] wal = new long[5];
            double syncMs = 0;
            try (Statement walStatement = connection.createStatement();
                 ResultSet row = walStatement.executeQuery("select * from pg_stat_wal")) {
                if (row.next()) {
                    wal[0] = column(row, "wal_records");
                    wal[1] = column(row, "wal_bytes");
                    wal[2] = column(row, "wal_sync");
                    wal[3] = column(row, "wal_write");
                    wal[4] = column(row, "wal_buffers_full");
                    syncMs = columnDouble(row, "wal_sync_time");
                }
            } catch (SQLException e) {
                // Older server: commit counts alone.
            }
            return new Counters(commits, rollbacks, wal[0], wal[1], wal[2], syncMs, wal[3], wal[4]);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL's statistics: " + e.getMessage(), e);
        }
    }

    /** The number of the WAL segment being written now ({@link WalWarmer#segmentNumber}); -1 if it cannot be read. */
    long walSegment() {
        try {
            return WalWarmer.segmentNumber(single("select pg_walfile_name(pg_current_wal_insert_lsn())"));
        } catch (RuntimeException e) {
            return -1; // a figure of the report, never a reason to lose the run
        }
    }

    /**
     * Sets wal_compression for the whole server (this bench's temporary one) and reloads its
     * configuration; a method the server was built without is refused with PostgreSQL's reason.
     */
    void setWalCompression(String method) {
        try (Statement sql = connection.createStatement()) {
            sql.execute("alter system set wal_compression = '" + method.replace("'", "") + "'");
            sql.execute("select pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalArgumentException("--wal-compression " + method + ": " + e.getMessage(), e);
        }
    }

    /** Where PostgreSQL inserts its next WAL record now (e.g. "0/1A2B3C4D"); null if it cannot be read. */
    String walInsertLsn() {
        try {
            return singleOrNull("select pg_current_wal_insert_lsn()::text");
        } catch (SQLException e) {
            return null; // a figure of the report, never a reason to lose the run
        }
    }

    /**
     * The WAL between two {@link #walInsertLsn} readings counted by kind and table ({@link WalCensus}),
     * against {@code units} gifts or texts, beside the {@code texts} acknowledged meanwhile; an
     * exception says why it could not be read.
     */
    WalCensus walCensus(String fromLsn, String toLsn, double seconds, String unit, long units, long texts) throws SQLException {
        return WalCensus.read(connection, fromLsn, toLsn, seconds, unit, units, texts);
    }

    /**
     * Rows updated in one table so far, how many of those were HOT (no index touched, same page), how
     * many had to put the new row version on another page (never HOT: the page was full; among the
     * updates that change no indexed column, those are the ones more free space a page would make
     * HOT), and how many times autovacuum vacuumed and analysed it: its workers are PostgreSQL's
     * CPU too.
     */
    record TableUpdates(long updates, long hotUpdates, long newPageUpdates, long autovacuums, long autoanalyzes) {
        static final TableUpdates NONE = new TableUpdates(0, 0, 0, 0, 0);

        TableUpdates minus(TableUpdates earlier) {
            return new TableUpdates(updates - earlier.updates, hotUpdates - earlier.hotUpdates, newPageUpdates - earlier.newPageUpdates,
                    autovacuums - earlier.autovacuums, autoanalyzes - earlier.autoanalyzes);
        }

        boolean anything() {
            return updates > 0 || autovacuums > 0 || autoanalyzes > 0;
        }
    }

    /**
     * Updates per table of the platform's schema so far (pg_stat_user_tables). A non-HOT update writes
     * a new row version elsewhere and an entry in every index; that is most of what a state change
     * costs, so the HOT share says which tables' updates are expensive.
     */
    Map<String, TableUpdates> tableUpdates() {
        Map<String, TableUpdates> tables = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select relname, n_tup_upd, n_tup_hot_upd, n_tup_newpage_upd, autovacuum_count, autoanalyze_count from pg_stat_user_tables"
                             + " where schemaname = 'public' and (n_tup_upd > 0 or autovacuum_count > 0 or autoanalyze_count > 0)")) {
            while (rows.next()) {
                tables.put(rows.getString(1), new TableUpdates(rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5), rows.getLong(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL's table statistics: " + e.getMessage(), e);
        }
        return tables;
    }

    /** What the busy backends other than this one are doing now: wait event (or "CPU") to count. */
    Map<String, Long> activeBackends() {
        Map<String, Long> counts = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select coalesce(wait_event_type || ':' || wait_event, 'CPU'), count(*) from pg_stat_activity"
                        + " where state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend' group by 1");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        } catch (SQLException e) {
            counts.put("unreadable", 1L);
        }
        return counts;
    }

    /**
     * PostgreSQL's background work in one second, for the timeline: so a slow second can be set
     * beside what the server was doing besides the platform's statements.
     *
     * @param vacuuming    tables of this database being vacuumed at the second's end (autovacuum's workers, mostly)
     * @param analyzing    tables of this database being analysed at the second's end
     * @param checkpointer the checkpointer's wait event ({@code CheckpointerMain} when it is idle,
     *                     {@code CheckpointWriteDelay} while it spreads a checkpoint's writes); null when not
     *                     waiting or not visible, counted as no checkpoint
     * @param vacuumsFinished  tables autovacuum finished vacuuming during the second (its count in
     *                         pg_stat_user_tables grew): a vacuum that starts and ends between two samples
     *                         is missed by {@code vacuuming}, and counted here (a second whose reading
     *                         failed is null, and its work is counted in no second)
     * @param analysesFinished tables autovacuum finished analysing during the second
     */
    record Background(List<String> vacuuming, List<String> analyzing, String checkpointer, List<String> vacuumsFinished,
                      List<String> analysesFinished) {

        static final String CHECKPOINTER_IDLE = "CheckpointerMain";

        boolean checkpointing() {
            return checkpointer != null && !CHECKPOINTER_IDLE.equals(checkpointer);
        }
    }

    /**
     * Starts counting the vacuums and analyses autovacuum finishes from {@code start}, the
     * {@link #tableUpdates()} read at the window's start (read once for both uses).
     */
    void backgroundFrom(Map<String, TableUpdates> start) {
        autovacuumCounts = start;
    }

    /**
     * PostgreSQL's background work now, and what autovacuum finished since the previous call; null
     * when it cannot be read, or when what was finished cannot be told (no earlier counts: before
     * {@link #backgroundFrom(Map)}, and the call after one that failed), so the report leaves it out
     * rather than showing a quiet server. A role without
     * {@code pg_read_all_stats} sees other sessions' tables as null: those rows are left out.
     */
    Background background() {
        Map<String, TableUpdates> before = autovacuumCounts;
        try {
            List<String> vacuuming = tables("select relid::regclass::text from pg_stat_progress_vacuum where datname = current_database() and relid is not null order by 1");
            List<String> analyzing = tables("select relid::regclass::text from pg_stat_progress_analyze where datname = current_database() and relid is not null order by 1");
            String checkpointer = singleOrNull("select wait_event from pg_stat_activity where backend_type = 'checkpointer'");
            Map<String, TableUpdates> now = tableUpdates();
            autovacuumCounts = now;
            if (before == null) {
                return null;
            }
            return new Background(vacuuming, analyzing, checkpointer, finished(before, now, TableUpdates::autovacuums),
                    finished(before, now, TableUpdates::autoanalyzes));
        } catch (SQLException | IllegalStateException e) {
            autovacuumCounts = null;
            return null; // a figure of the report, never a reason to lose the run
        }
    }

    /** Tables whose {@code count} grew from {@code before} to {@code now}, in {@code now}'s order (by name, from {@link #tableUpdates()}). */
    static List<String> finished(Map<String, TableUpdates> before, Map<String, TableUpdates> now, ToLongFunction<TableUpdates> count) {
        return now.entrySet().stream()
                .filter(table -> count.applyAsLong(table.getValue().minus(before.getOrDefault(table.getKey(), TableUpdates.NONE))) > 0)
                .map(Map.Entry::getKey)
                .toList();
    }

    private List<String> tables(String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /** The first column of the first row; null when there is none. */
    private String singleOrNull(String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /** Forgets pg_stat_statements' figures so far, so a later reading covers only what follows. */
    void resetStatements() {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create extension if not exists pg_stat_statements");
            statement.execute("select pg_stat_statements_reset()");
        } catch (SQLException e) {
            throw new IllegalStateException("pg_stat_statements is not available: " + e.getMessage(), e);
        }
    }

    /** The statements that took the most server time since {@link #resetStatements()}, costliest first. */
    List<StatementStatistics.StatementTime> topStatements(int count) {
        try {
            return StatementStatistics.top(connection, count, STATEMENT_TEXT_LENGTH_MAX);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_stat_statements: " + e.getMessage(), e);
        }
    }

    /** One number from a query, e.g. a count. */
    long count(String sql, Object... parameters) {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("bench query failed (" + sql + "): " + e.getMessage(), e);
        }
    }

    Connection connection() {
        return connection;
    }

    /** The first column of the first row, or what went wrong in its place: a figure of the report, never a reason to lose the run. */
    private String single(String sql) {
        try {
            return singleOrNull(sql);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static long column(ResultSet row, String name) {
        try {
            return row.getLong(name);
        } catch (SQLException e) {
            return 0;
        }
    }

    private static double columnDouble(ResultSet row, String name) {
        try {
            return row.getDouble(name);
        } catch (SQLException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing a probe connection at the end of a run: nothing to recover.
        }
    }
}
