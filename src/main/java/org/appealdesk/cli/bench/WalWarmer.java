package org.appealdesk.cli.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.appealdesk.platform.EmbeddedPostgresServer;

/**
 * Gives the bench's fresh PostgreSQL the WAL files a server that has been running already has
 * ({@code --warm-wal}). Why: PostgreSQL writes its log into 16 MB segment files. A server that has
 * run for a while reuses old segments at each checkpoint (a rename), but a fresh cluster in a
 * temporary directory creates every segment it fills: 16 MB of zeros written and flushed, and the
 * commit that crosses into it waits 12-15 ms (BENCHMARKS.md, "The acknowledgement tail"). At 5,000
 * texts/s that is one segment every 1.3 s, about 1% of the time: the size of an acknowledgement
 * p99. Warming creates those segments before the warm-up and lets a checkpoint keep them for reuse,
 * so the window runs on reused segments, as a server that has been running does (between
 * checkpoints: the warming ends with one, and a short run has none in its window). Without the
 * option the bench creates its segments as it goes.
 */
final class WalWarmer {

    /** PostgreSQL's default WAL segment size. */
    static final long SEGMENT_MB = 16;
    static final long SEGMENT_BYTES = SEGMENT_MB * 1024 * 1024;
    /** WAL a text may write at most, generously: about 6.5 KB end to end at the knee, 2.5 KB in intake alone (BENCHMARKS.md). */
    static final long WAL_BYTES_PER_TEXT_MAX = 8 * 1024;
    /**
     * At most the server's max_wal_size (4 GB, 256 segments): a checkpoint keeps at most that much
     * WAL for reuse. (A checkpoint also starts after about 2.1 GB of WAL, max_wal_size / (1 +
     * completion target), so a run that writes more than that has one in its window, warmed or not.)
     */
    static final int SEGMENTS_MAX = (int) (EmbeddedPostgresServer.MAX_WAL_SIZE_MB / SEGMENT_MB);
    static final int SEGMENTS_MIN = 8;
    /** WAL segment files the server holds now, and the last (names of 24 hex digits: not the archive status or summaries). */
    static final String WAL_FILES = "select count(*), max(name) from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$'";

    private WalWarmer() {
    }

    /** Segments enough for a run of {@code texts} texts (warm-up and window), within the limits above. */
    static int segmentsFor(double texts) {
        double bytes = texts * WAL_BYTES_PER_TEXT_MAX;
        long segments = (long) Math.ceil(bytes / SEGMENT_BYTES);
        return (int) Math.max(SEGMENTS_MIN, Math.min(SEGMENTS_MAX, segments));
    }

    /** What warming left: the WAL files the server holds, and the number of the last of them. */
    record Warmth(long files, long lastSegment) {
        /** Whether {@code segment} ({@link #segmentNumber}) is one warming made; null when it is unknown (negative). */
        Boolean holds(long segment) {
            return segment < 0 ? null : segment <= lastSegment;
        }
    }

    /**
     * Creates {@code segments} WAL segments and checkpoints, so they wait for reuse.
     * {@code connection} must be a superuser's, in autocommit.
     */
    static Warmth warm(Connection connection, int segments) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            // A checkpoint renames old segments for reuse up to about twice the WAL written since
            // the last one (here, all of it) and at least min_wal_size, and removes the rest;
            // min_wal_size keeps them at later checkpoints too. Only in this temporary cluster.
            long keepMb = Math.min(EmbeddedPostgresServer.MAX_WAL_SIZE_MB, (segments + SEGMENTS_MIN) * SEGMENT_MB);
            sql.execute("alter system set min_wal_size = '" + keepMb + "MB'");
            sql.execute("select pg_reload_conf()");
            sql.execute("create table bench_wal_warmth (n int)");
            for (int i = 0; i < segments; i++) {
                // A switch needs WAL written since the last one; each switch starts a new segment file.
                sql.execute("insert into bench_wal_warmth values (" + i + ")");
                sql.execute("select pg_switch_wal()");
            }
            sql.execute("drop table bench_wal_warmth");
            sql.execute("checkpoint");
            try (var row = sql.executeQuery(WAL_FILES)) {
                row.next();
                return new Warmth(row.getLong(1), segmentNumber(row.getString(2)));
            }
        }
    }

    /**
     * A WAL file's segment number, from its name (timeline, then log and segment, 8 hex digits
     * each; 256 segments of 16 MB to a log): comparable across names, unlike file counts, which
     * checkpoints change.
     */
    static long segmentNumber(String walFileName) {
        if (walFileName == null || !walFileName.matches("[0-9A-F]{24}")) {
            throw new IllegalArgumentException("not a WAL file name: " + walFileName);
        }
        long log = Long.parseLong(walFileName.substring(8, 16), 16);
        long segment = Long.parseLong(walFileName.substring(16, 24), 16);
        return log * (0x1_0000_0000L / SEGMENT_BYTES) + segment;
    }
}
