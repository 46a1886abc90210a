package org.appealdesk.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.appealdesk.platform.EmbeddedPostgresServer;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.Posting;
import org.appealdesk.platform.Database;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A ledger batch as the charge-event writer does it: one transaction that opens the appeal's batch
 * (its advisory lock and running allocation), posts N CHARGE journals of two postings each through
 * {@link Ledger.AppealBatch#post}, closes the batch and commits durably (fsync and
 * synchronous_commit on, {@link EmbeddedPostgresServer}). Scores are journals per second, one writer, all
 * on one appeal as in a telethon. Journals carry no donation (the foreign key is nullable), so only
 * the ledger's own work is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class LedgerBatchBenchmark {

    static final String APPEAL = "sun-ukraine";
    static final long GIFT_PENCE = 500;

    private Path directory;
    private EmbeddedPostgresServer postgres;
    private Database database;
    private Ledger ledger;
    private long nextKey;

    @Setup(Level.Trial)
    public void start() throws IOException {
        directory = Files.createTempDirectory("appealdesk-jmh-ledger-");
        postgres = EmbeddedPostgresServer.start(directory.resolve("postgres"), EmbeddedPostgresServer.Durability.DURABLE, false);
        database = Database.open(postgres.settings(4));
        ledger = new Ledger(database);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        database.close();
        postgres.close();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public int batchOf100() {
        return postBatch(100);
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public int batchOf1000() {
        return postBatch(1_000);
    }

    private int postBatch(int journals) {
        Instant now = Instant.now();
        return database.inTransaction(connection -> {
            Ledger.AppealBatch batch = ledger.openBatch(connection, APPEAL);
            List<Journal> charges = new ArrayList<>(journals);
            List<Long> designated = new ArrayList<>(journals);
            for (int i = 0; i < journals; i++) {
                long key = nextKey++;
                charges.add(new Journal(APPEAL, JournalKind.CHARGE, "bench:charge:" + key, null, List.of(
                        new Posting(Accounts.receivable(APPEAL, "ee"), AccountKind.RECEIVABLE, GIFT_PENCE),
                        new Posting(Accounts.fund(APPEAL, "ukraine-crisis"), AccountKind.FUND, -GIFT_PENCE)), "bench gift"));
                designated.add(GIFT_PENCE);
            }
            int written = batch.post(charges, designated, now).size();
            batch.close();
            return written;
        });
    }
}
