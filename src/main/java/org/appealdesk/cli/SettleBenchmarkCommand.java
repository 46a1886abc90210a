package org.appealdesk.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.appealdesk.app.AppConfig;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealRegistry;
import org.appealdesk.app.Summary;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.EmbeddedPostgresServer;
import org.appealdesk.settle.ImportRequest;
import org.appealdesk.settle.ImportResult;
import org.appealdesk.settle.LineClass;
import org.appealdesk.settle.Period;
import org.appealdesk.settle.Settlement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `./appealdesk settle benchmark --lines 1000000`: measures a settlement import at scale, on a fresh
 * embedded PostgreSQL in a temporary directory (never ./data). It books that many charged gifts
 * straight into the tables with set-based SQL (the same rows the platform writes: donations, charge
 * parts, CHARGE journals with the overflow rule), writes a report of that many lines with the usual
 * differences (1% missing and replaced by unknown lines, 0.5% amount mismatches, 0.5% refunds, a
 * malformed line every 100,000), times the real import, and runs `verify` on the result.
 */
@Command(name = "benchmark", description = "Time a settlement import of --lines lines on a fresh temporary database.")
final class SettleBenchmarkCommand implements Callable<Integer> {

    static final String NETWORK = "ee";
    static final Period PERIOD = Period.parse("2026-03");
    /** Donors the seeded gifts come from: a realistic few gifts each. */
    private static final int DONORS_PER_GIFT_DIVISOR = 3;

    @Option(names = "--lines", defaultValue = "1000000", description = "lines in the report (default: ${DEFAULT-VALUE})")
    long lines;

    @Option(names = "--config", defaultValue = "config/reference-appeal.json", description = "appeal configuration (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--keep", description = "keep the temporary database and report")
    boolean keep;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (lines < 1_000 || lines > 2_500_000) {
            throw new IllegalArgumentException("--lines must be 1000-2500000, got " + lines);
        }
        Appeal appeal = AppConfig.read(config, System::getenv).catalog().all().getFirst();
        Path directory = Files.createTempDirectory("appealdesk-settle-benchmark");
        out.println("Temporary database in " + directory);
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(directory.resolve("postgres"));
        try (Database database = Database.open(server.settings(4))) {
            AppealRegistry.sync(database, new org.appealdesk.appeal.AppealCatalog(java.util.List.of(appeal)), Instant.now());
            out.println("PostgreSQL " + durability(database) + "; machine: " + Runtime.getRuntime().availableProcessors() + " CPUs");
            long seedStarted = System.nanoTime();
            seed(database, appeal, lines);
            out.printf("Booked %,d charged gifts on %s in %.1f s (set-based SQL, not timed)%n", lines, NETWORK, (System.nanoTime() - seedStarted) / 1e9);
            Path report = directory.resolve("ee-2026-03.csv");
            long written = writeReport(report, lines);
            out.printf("Wrote %s: %,d lines, %,d bytes%n", report, written, Files.size(report));

            Settlement settle = new Settlement(database, new Ledger(database), InstantSource.system());
            long started = System.nanoTime();
            ImportResult result = settle.importer.importFile(new ImportRequest(report, NETWORK, PERIOD, "benchmark"),
                    new ProgressPrinter(out, ProgressPrinter.onTerminal()));
            double seconds = (System.nanoTime() - started) / 1e9;
            ImportResult.Imported imported = (ImportResult.Imported) result;
            out.printf("IMPORT: %,d lines in %.1f s (%,.0f lines/s)%n", imported.linesRead(), seconds, imported.linesRead() / seconds);
            for (LineClass lineClass : LineClass.values()) {
                out.printf("  %-40s %,10d%n", lineClass.description(), lineClass == LineClass.MISSING ? imported.missing().count() : imported.lines(lineClass).count());
            }
            out.printf("  malformed %,d; refunds booked %,d%n", imported.malformedCount(), imported.refundsBooked().count());
            long again = System.nanoTime();
            ImportResult repeat = settle.importer.importFile(new ImportRequest(report, NETWORK, PERIOD, "benchmark"), org.appealdesk.settle.ImportProgress.SILENT);
            out.printf("Same file again: %s in %.1f s%n", repeat instanceof ImportResult.AlreadyImported ? "already imported, nothing changed" : "IMPORTED AGAIN",
                    (System.nanoTime() - again) / 1e9);
            long verifyStarted = System.nanoTime();
            boolean verified = Summary.printVerification(new LedgerVerifier(database).verify(), out);
            out.printf("verify took %.1f s%n", (System.nanoTime() - verifyStarted) / 1e9);
            return verified && repeat instanceof ImportResult.AlreadyImported ? 0 : 1;
        } finally {
            server.close();
            if (!keep) {
                delete(directory);
            }
        }
    }

    /** "fsync=on, synchronous_commit=on, full_page_writes=on": the figure means nothing without it. */
    private static String durability(Database database) {
        return database.inTransaction(connection -> {
            StringBuilder settings = new StringBuilder();
            for (String setting : EmbeddedPostgresServer.DURABILITY_SETTINGS) {
                try (var show = connection.prepareStatement("select current_setting(?)")) {
                    show.setString(1, setting);
                    try (var row = show.executeQuery()) {
                        row.next();
                        settings.append(settings.isEmpty() ? "" : ", ").append(setting).append('=').append(row.getString(1));
                    }
                }
            }
            return settings.toString();
        });
    }

    /** The amount of gift number {@code g}: £3, £5, £10, £20 in turn. */
    private static final String AMOUNT = "(case g % 4 when 0 then 300 when 1 then 500 when 2 then 1000 else 2000 end)";
    /** Gift {@code g}'s charge time: two seconds apart through March 2026, UK time. */
    private static final String CHARGED_AT = "(timestamptz '2026-03-01 00:30:00+00' + ((g % 1300000) * 2) * interval '1 second')";

    /**
     * Charged gifts, each with one charge part and its CHARGE journal; the designated fund takes
     * money until its cap, the rest overflows, and ledger_head records the allocation: exactly what
     * the platform would have written, so `verify` passes on it.
     */
    static void seed(Database database, Appeal appeal, long gifts) {
        String slug = appeal.slug();
        long cap = appeal.designated().hasCap() ? appeal.designated().cap().pence() : Long.MAX_VALUE / 4;
        long donors = Math.max(1, gifts / DONORS_PER_GIFT_DIVISOR);
        database.inTransactionVoid(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute("insert into donor (id, phone_hash, created_at) select g, sha256(('bench donor ' || g)::bytea), now() from generate_series(1, " + donors + ") g");
                sql.execute("insert into donation (id, appeal_slug, donor_id, channel, amount_pence, no_contact, network, state, uk_day, created_at, resolved_at)"
                        + " select g, '" + slug + "', 1 + g % " + donors + ", 'smpp', " + AMOUNT + ", false, '" + NETWORK + "', 'CHARGED', ("
                        + CHARGED_AT + " at time zone 'Europe/London')::date, " + CHARGED_AT + ", " + CHARGED_AT + " from generate_series(1, " + gifts + ") g");
                sql.execute("insert into charge_part (id, donation_id, part_no, amount_pence, request_id, outbox_id, network_message_id, state, submitted_at, resolved_at)"
                        + " select g, g, 1, " + AMOUNT + ", 'adbench' || g, g, 'm' || g, 'CHARGED', " + CHARGED_AT + ", " + CHARGED_AT
                        + " from generate_series(1, " + gifts + ") g");
                String receivable = Accounts.receivable(slug, NETWORK);
                String designated = Accounts.fund(slug, appeal.designated().slug());
                String overflow = Accounts.fund(slug, appeal.overflow().slug());
                sql.execute("insert into account (code, kind, appeal_slug) values ('" + receivable + "', 'RECEIVABLE', '" + slug + "'), ('" + designated
                        + "', 'FUND', '" + slug + "'), ('" + overflow + "', 'FUND', '" + slug + "') on conflict (code) do nothing");
                sql.execute("insert into journal (id, appeal_slug, kind, idempotency_key, donation_id, created_at, memo)"
                        + " select g, '" + slug + "', 'CHARGE', 'charge:donation:' || g, g, " + CHARGED_AT + ", 'benchmark gift' from generate_series(1, " + gifts + ") g");
                sql.execute("create temp table bench_split on commit drop as select g, " + AMOUNT + " as amount,"
                        + " greatest(0, least(" + AMOUNT + ", " + cap + " - coalesce(sum(" + AMOUNT + ") over (order by g rows between unbounded preceding and 1 preceding), 0))) as designated"
                        + " from generate_series(1, " + gifts + ") g");
                sql.execute("insert into posting (journal_id, account_id, amount_pence) select g, (select id from account where code = '" + receivable + "'), amount from bench_split");
                sql.execute("insert into posting (journal_id, account_id, amount_pence) select g, (select id from account where code = '" + designated + "'), -designated"
                        + " from bench_split where designated > 0");
                sql.execute("insert into posting (journal_id, account_id, amount_pence) select g, (select id from account where code = '" + overflow + "'), designated - amount"
                        + " from bench_split where amount > designated");
                sql.execute("insert into ledger_head (appeal_slug, designated_allocated_pence, last_journal_id) select '" + slug + "', sum(designated), max(g) from bench_split");
                for (String sequence : new String[]{"donor_id_seq", "donation_id_seq", "charge_part_id_seq", "journal_id_seq", "outbox_id_seq"}) {
                    sql.execute("select setval('" + sequence + "', " + (gifts + 1) + ")");
                }
            }
        });
        database.inTransactionVoid(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute("analyze");
            }
        });
    }

    /**
     * The report for gifts 1..lines: 1% missing (each replaced by a line unknown here), 0.5% with
     * the wrong amount, 0.5% refunded by the network, and a malformed line every 100,000.
     */
    static long writeReport(Path file, long lines) {
        long written = 0;
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write("request_id,message_id,phone,amount_pence,charged_at,status\n");
            StringBuilder line = new StringBuilder(128);
            Instant start = Instant.parse("2026-03-01T00:30:00Z");
            for (long g = 1; g <= lines; g++) {
                long amount = switch ((int) (g % 4)) {
                    case 0 -> 300;
                    case 1 -> 500;
                    case 2 -> 1000;
                    default -> 2000;
                };
                Instant chargedAt = start.plusSeconds((g % 1_300_000) * 2);
                line.setLength(0);
                if (g % 100_000 == 50_000) {
                    line.append("adbench").append(g).append(",m").append(g).append(",44770090****,five pounds,").append(chargedAt).append(",charged");
                } else if (g % 100 == 0) {
                    line.append("adother").append(g).append(",x").append(g).append(",44770091****,").append(amount).append(',').append(chargedAt).append(",charged");
                } else if (g % 200 == 1) {
                    line.append("adbench").append(g).append(",m").append(g).append(",44770090****,").append(amount + 1).append(',').append(chargedAt).append(",charged");
                } else if (g % 200 == 3) {
                    line.append("adbench").append(g).append(",m").append(g).append(",44770090****,").append(amount).append(',').append(chargedAt).append(",refunded");
                } else {
                    line.append("adbench").append(g).append(",m").append(g).append(",44770090****,").append(amount).append(',').append(chargedAt).append(",charged");
                }
                writer.write(line.append('\n').toString());
                written++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("appealdesk: could not delete " + directory + ": " + e.getMessage());
        }
    }
}
