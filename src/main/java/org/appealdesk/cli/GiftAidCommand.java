package org.appealdesk.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.appealdesk.app.AppConfig;
import org.appealdesk.giftaid.GiftAidClaims;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.platform.EmbeddedPostgresServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `giftaid export`: the HMRC claim schedule of an appeal, marking what it claims so nothing is claimed twice. */
@Command(name = "giftaid", description = "Gift Aid claims.", subcommands = GiftAidCommand.Export.class)
final class GiftAidCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "export", description = "Write the HMRC Gift Aid claim schedule (CSV) of donations not yet claimed, and mark them claimed.")
    static final class Export implements Callable<Integer> {

        @Option(names = "--appeal", required = true, description = "the appeal's slug")
        String appealSlug;

        @Option(names = "--config", description = "configuration file; without it, the embedded database under --data")
        Path config;

        @Option(names = "--data", defaultValue = "data", description = "directory of the embedded PostgreSQL (default: ${DEFAULT-VALUE})")
        Path data;

        @Option(names = "--out", description = "file to write (default: giftaid-SLUG-BATCH.csv here); never overwritten")
        Path out;

        @Option(names = "--batch", description = "write an earlier schedule again (a lost file) instead of claiming anything")
        Long batch;

        @Override
        public Integer call() throws IOException {
            if (!appealSlug.matches("[a-z0-9][a-z0-9-]{0,39}")) {
                throw new IllegalArgumentException("--appeal must be an appeal slug (lower-case letters, digits, '-'), got '" + appealSlug + "'");
            }
            if (out != null && Files.exists(out)) {
                throw new IllegalArgumentException("--out: " + out + " exists; a claim schedule is never overwritten");
            }
            AppConfig settings = config == null ? null : AppConfig.read(config, System::getenv);
            if (settings != null && settings.catalog().bySlug(appealSlug).isEmpty()) {
                throw new IllegalArgumentException("--appeal: no appeal called '" + appealSlug + "' in " + config);
            }
            EmbeddedPostgresServer embedded = settings == null || settings.embeddedDatabase() ? EmbeddedPostgresServer.start(data.resolve("postgres")) : null;
            DatabaseSettings databaseSettings = embedded != null ? embedded.settings(2)
                    : new DatabaseSettings(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword(), 2, 10_000);
            try (Database database = Database.open(databaseSettings)) {
                GiftAidClaims claims = new GiftAidClaims(database, InstantSource.system());
                if (batch != null) {
                    String csv = claims.schedule(batch).orElseThrow(() -> new IllegalArgumentException("--batch: no claim schedule " + batch));
                    Path file = out != null ? out : Path.of("giftaid-" + appealSlug + "-" + batch + ".csv");
                    write(file, csv);
                    System.out.println("Wrote claim schedule " + batch + " again to " + file + " (nothing new claimed).");
                    return 0;
                }
                Optional<GiftAidClaims.Schedule> schedule = claims.claimNext(appealSlug);
                if (schedule.isEmpty()) {
                    System.out.println("Nothing to claim for " + appealSlug + ": every charged gift with a Gift Aid declaration is already claimed.");
                    return 0;
                }
                GiftAidClaims.Schedule claimed = schedule.get();
                Path file = out != null ? out : Path.of("giftaid-" + appealSlug + "-" + claimed.batchId() + ".csv");
                try {
                    write(file, claimed.csv());
                } catch (IOException e) {
                    System.err.println("appealdesk: schedule " + claimed.batchId() + " is claimed but " + file + " could not be written (" + e.getMessage()
                            + "); write it again with: giftaid export --appeal " + appealSlug + " --batch " + claimed.batchId() + " --out FILE");
                    return 1;
                }
                System.out.println("Claim schedule " + claimed.batchId() + ": " + claimed.rows().size() + " donations, " + claimed.total()
                        + " (Gift Aid due " + org.appealdesk.platform.Money.ofPence(claimed.total().pence() / 4) + "), written to " + file + ".");
                if (claimed.remaining()) {
                    System.out.println("More donations are waiting (a schedule holds at most " + GiftAidClaims.SCHEDULE_ROWS_MAX + "): run again for the next.");
                }
                return 0;
            } finally {
                if (embedded != null) {
                    embedded.close();
                }
            }
        }

        private static void write(Path file, String csv) throws IOException {
            Path absolute = file.toAbsolutePath();
            if (Files.exists(absolute)) {
                throw new IOException(absolute + " exists; a claim schedule is never overwritten");
            }
            Path temporary = Files.createTempFile(absolute.getParent(), ".giftaid", ".tmp");
            try {
                Files.writeString(temporary, csv);
                Files.move(temporary, absolute, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
