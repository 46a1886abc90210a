package org.appealdesk.cli.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.appealdesk.platform.DatabaseSettings;

/**
 * A checkpoint as the window begins ({@code --checkpoint-at-window}), on a connection and thread of
 * its own so the traffic and the sampling go on beside it.
 *
 * <p>Why: after a checkpoint, the first change to each page writes the page's whole 8 KB image to
 * the WAL. A running server checkpoints every few minutes (checkpoint_timeout, or max_wal_size's
 * worth of WAL), so the minute after one is part of every peak. A run otherwise has none in its
 * window, and its tables are young, so it never shows what those images cost. The command's
 * CHECKPOINT writes every dirty page at once, where the server's own spreads them over most of
 * the interval: the window's start also carries that write, more than a server's would.
 */
final class WindowCheckpoint implements AutoCloseable {

    private final Thread thread;
    private volatile Double seconds;
    private volatile String failure;

    private WindowCheckpoint(DatabaseSettings database) {
        this.thread = Thread.ofPlatform().name("bench-checkpoint").daemon().start(() -> checkpoint(database));
    }

    /** Starts the checkpoint now. */
    static WindowCheckpoint start(DatabaseSettings database) {
        return new WindowCheckpoint(database);
    }

    private void checkpoint(DatabaseSettings database) {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             Statement sql = connection.createStatement()) {
            long started = System.nanoTime(); // the checkpoint alone, not the connecting
            sql.execute("checkpoint");
            seconds = BenchRun.round((System.nanoTime() - started) / 1e9);
        } catch (SQLException | RuntimeException e) {
            // A figure of the report, never a reason to lose the run: the summary says it failed, and why.
            failure = e.toString();
        }
    }

    /** How long the checkpoint took, once it has ended; null when it failed or has not ended. */
    Double seconds() {
        return seconds;
    }

    /** Why the checkpoint failed; null when it did not. */
    String failure() {
        return failure;
    }

    /** Waits, boundedly, for the checkpoint to end. */
    @Override
    public void close() {
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
