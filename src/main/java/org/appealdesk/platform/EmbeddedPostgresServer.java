package org.appealdesk.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded default: a real PostgreSQL (zonky's packaged binaries) whose data directory
 * survives restarts, so `./appealdesk demo` keeps its ledger between runs.
 *
 * <p>Durability stays on (fsync and synchronous_commit are PostgreSQL's defaults): the demo
 * must behave like production, including the cost of durable commits.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** System property that loads pg_stat_statements into the embedded server, for profiling runs. */
    public static final String STATEMENT_STATISTICS_PROPERTY = "appealdesk.pgStatStatements";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL on a free loopback port with its data under {@code dataDirectory}. */
    public static EmbeddedPostgresServer start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (Boolean.getBoolean(STATEMENT_STATISTICS_PROPERTY)) {
                // Per-statement timings for finding bottlenecks (see BENCHMARKS.md); off by default.
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
            }
            EmbeddedPostgres postgres = builder
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    // Fewer, gentler checkpoints during a telethon peak; durability is unchanged.
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("checkpoint_completion_target", "0.9")
                    .start();
            return new EmbeddedPostgresServer(postgres);
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

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
