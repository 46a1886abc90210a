package org.appealdesk.cli.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Gives the bench's fresh PostgreSQL the WAL files a server that has been running already has
 * ({@code --warm-wal}). Why: PostgreSQL writes its log into 16 MB segment files. A server that has
 * run for a while reuses old segments at each checkpoint (a rename), but a fresh cluster in a
 * temporary directory creates every segment it fills: 16 MB of zeros written and flushed, and the
 * commit that crosses into it waits 12-15 ms (BENCHMARKS.md, "The acknowledgement tail"). At 5,000
 * texts/s that is one segment every 1.3 s, about 1% of the time: the size of an acknowledgement
 * p99. Warming creates those segments before the warm-up and lets a checkpoint keep them for reuse,
 * so the window measures a server in its steady state; without the option the bench measures a
 * fresh one, as before.
 */
final class WalWarmer {

    /** PostgreSQL's default WAL segment size. */
    static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    /** WAL a text may write at most, generously: about 6.5 KB end to end at the knee, 2.5 KB in intake alone (BENCHMARKS.md). */
    static final long WAL_BYTES_PER_TEXT_MAX = 8 * 1024;
    /** At most 4 GB, the server's max_wal_size: beyond it checkpoints come sooner whatever is warmed. */
    static final int SEGMENTS_MAX = 256;
    static final int SEGMENTS_MIN = 8;
    /** WAL segment files the server holds now (names of 24 hex digits: not the archive status or summaries). */
    static final String WAL_FILES = "select count(*) from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$'";

    private WalWarmer() {
    }

    /** Segments enough for {@code ratePerSecond} texts over {@code run} (warm-up and window), within the limits above. */
    static int segmentsFor(double ratePerSecond, Duration run) {
        double bytes = ratePerSecond * (run.toMillis() / 1000.0) * WAL_BYTES_PER_TEXT_MAX;
        long segments = (long) Math.ceil(bytes / SEGMENT_BYTES);
        return (int) Math.max(SEGMENTS_MIN, Math.min(SEGMENTS_MAX, segments));
    }

    /**
     * Creates {@code segments} WAL segments and checkpoints, so they wait for reuse; returns how many
     * WAL files the server then holds. {@code connection} must be a superuser's, in autocommit.
     */
    static long warm(Connection connection, int segments) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            // Kept at checkpoints whatever the recent WAL rate: a checkpoint recycles old segments
            // up to min_wal_size and removes the rest. Only in this temporary cluster.
            sql.execute("alter system set min_wal_size = '" + (segments + SEGMENTS_MIN) * (SEGMENT_BYTES / (1024 * 1024)) + "MB'");
            sql.execute("select pg_reload_conf()");
            sql.execute("create table bench_wal_warmth (n int)");
            for (int i = 0; i < segments; i++) {
                // A switch needs WAL written since the last one; each switch starts a new segment file.
                sql.execute("insert into bench_wal_warmth values (" + i + ")");
                sql.execute("select pg_switch_wal()");
            }
            sql.execute("drop table bench_wal_warmth");
            sql.execute("checkpoint");
            return walFiles(sql);
        }
    }

    /** WAL segment files the server holds now. */
    static long walFiles(Statement sql) throws SQLException {
        try (var row = sql.executeQuery(WAL_FILES)) {
            row.next();
            return row.getLong(1);
        }
    }
}
