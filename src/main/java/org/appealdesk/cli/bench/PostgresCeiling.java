package org.appealdesk.cli.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.DatabaseSettings;

/**
 * The machine's own ceiling for durable intake: how many rows shaped like inbound_message (same
 * columns, primary key and de-duplication key, written with the intake's unnest-array insert and
 * ON CONFLICT DO NOTHING) PostgreSQL commits per second, batched as group commit batches them,
 * with synchronous_commit on. The platform's figures are then reported as a share of this.
 *
 * <p>It is a ceiling, not a target: one text costs the intake more than one row (the donation,
 * its charge part, the outbox message, the consent, the donor lookup), and nothing here parses,
 * encrypts or speaks SMPP. The table has no foreign key to donor, which the real one has.
 *
 * <p>Runs in its own table, dropped afterwards, followed by a CHECKPOINT so the platform's run does
 * not pay for flushing the ceiling's pages.
 */
final class PostgresCeiling {

    /** Batch sizes tried: group commit batches of a few ms at a few thousand texts per second and up. */
    static final List<Integer> BATCH_SIZES = List.of(100, 500, 1_000);
    /** Concurrent writers tried: one (a single group committer), and several (as if writers were sharded). */
    static final List<Integer> WRITER_COUNTS = List.of(1, 4);
    /** Unmeasured first case, so the JIT and the server's caches are warm for the measured ones. */
    static final Duration WARMUP = Duration.ofMillis(500);
    private static final String TABLE = "bench_ceiling_inbound";
    private static final int DONORS = 100_000;

    /** One measured case. */
    record Case(int batchSize, int writers, long rows, double seconds, double rowsPerSecond, double commitsPerSecond) {
    }

    /** Every case and the best rows per second among them. */
    record Result(List<Case> cases, double bestRowsPerSecond, int bestBatchSize, int bestWriters, double caseSeconds) {
    }

    private final DatabaseSettings settings;
    private final AtomicLong nextId = new AtomicLong(1);

    PostgresCeiling(DatabaseSettings settings) {
        this.settings = settings;
    }

    Result measure(Duration perCase) {
        try {
            execute("drop table if exists " + TABLE);
            execute("create table " + TABLE + " (id bigint primary key, channel text not null, external_id text, donor_id bigint not null,"
                    + " destination text not null, body text not null, network text, command text not null, received_at timestamptz not null,"
                    + " unique (channel, donor_id, external_id))");
            run(500, 1, WARMUP);
            List<Case> cases = new ArrayList<>();
            for (int writers : WRITER_COUNTS) {
                for (int batchSize : BATCH_SIZES) {
                    cases.add(run(batchSize, writers, perCase));
                }
            }
            Case best = cases.stream().max(Comparator.comparingDouble(Case::rowsPerSecond)).orElseThrow();
            return new Result(cases, best.rowsPerSecond(), best.batchSize(), best.writers(), perCase.toMillis() / 1_000.0);
        } finally {
            execute("drop table if exists " + TABLE);
            execute("checkpoint");
        }
    }

    private Case run(int batchSize, int writers, Duration length) {
        AtomicLong rows = new AtomicLong();
        AtomicLong commits = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        long deadline = started + length.toNanos();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofPlatform().name("bench-ceiling-" + w).start(() -> {
                try {
                    write(batchSize, deadline, rows, commits);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            try {
                thread.join(length.toMillis() + 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the PostgreSQL ceiling", e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Case(batchSize, writers, rows.get(), round(seconds), Math.round(rows.get() / seconds), Math.round(commits.get() / seconds));
    }

    /** One writer: batches until the deadline, each its own durable transaction. */
    private void write(int batchSize, long deadline, AtomicLong rows, AtomicLong commits) {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
            connection.setAutoCommit(false);
            String[] networks = {"o2", "ee", "vodafone", "three", "giffgaff"};
            while (System.nanoTime() - deadline < 0) {
                Long[] ids = new Long[batchSize];
                String[] channels = new String[batchSize];
                String[] externalIds = new String[batchSize];
                Long[] donorIds = new Long[batchSize];
                String[] destinations = new String[batchSize];
                String[] bodies = new String[batchSize];
                String[] nets = new String[batchSize];
                String[] commands = new String[batchSize];
                Timestamp[] receivedAt = new Timestamp[batchSize];
                Timestamp now = Timestamp.from(Instant.now());
                for (int i = 0; i < batchSize; i++) {
                    long id = nextId.getAndIncrement();
                    ids[i] = id;
                    channels[i] = "smpp";
                    externalIds[i] = "ceiling-" + Long.toHexString(id * 0x9E3779B97F4A7C15L);
                    donorIds[i] = 1 + (id * 7_919) % DONORS;
                    destinations[i] = "70141";
                    bodies[i] = "SUN£5";
                    nets[i] = networks[(int) (id % networks.length)];
                    commands[i] = "DONATE";
                    receivedAt[i] = now;
                }
                // The intake's own statement (ArrayInsert), so the ceiling prices the same SQL.
                ArrayInsert.into(TABLE, batchSize).column("id", "bigint", ids).column("channel", "text", channels)
                        .column("external_id", "text", externalIds).column("donor_id", "bigint", donorIds)
                        .column("destination", "text", destinations).column("body", "text", bodies).column("network", "text", nets)
                        .column("command", "text", commands).column("received_at", "timestamptz", receivedAt)
                        .execute(connection, "on conflict (channel, donor_id, external_id) do nothing");
                connection.commit();
                rows.addAndGet(batchSize);
                commits.incrementAndGet();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("ceiling writer failed after " + rows.get() + " rows: " + e.getMessage(), e);
        }
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("ceiling setup failed (" + sql + "): " + e.getMessage(), e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 1_000) / 1_000.0;
    }
}
