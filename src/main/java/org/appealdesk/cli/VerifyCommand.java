package org.appealdesk.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.appealdesk.app.AppConfig;
import org.appealdesk.app.Summary;
import org.appealdesk.donation.DonationStateCounts;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.platform.EmbeddedPostgresServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks the money from SQL, independently of the code that wrote it. Exit 0 only if every check passes. */
@Command(name = "verify", description = "Check from SQL that every journal balances and the totals equal the ledger.")
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--config", description = "configuration file; without it, the embedded database under --data")
    Path config;

    @Option(names = "--data", defaultValue = "data", description = "directory of the embedded PostgreSQL (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--recount-states", description = "first count the donations by state again for the live totals,"
            + " when a check says their running counts are wrong (holds off writers of donations while it counts)")
    boolean recountStates;

    @Override
    public Integer call() {
        AppConfig settings = config == null ? null : AppConfig.read(config, System::getenv);
        EmbeddedPostgresServer embedded = settings == null || settings.embeddedDatabase()
                ? EmbeddedPostgresServer.start(data.resolve("postgres")) : null;
        DatabaseSettings databaseSettings = embedded != null ? embedded.settings(2)
                : new DatabaseSettings(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword(), 2, 10_000);
        try (Database database = Database.open(databaseSettings)) {
            if (recountStates) {
                int counts = database.inTransaction(DonationStateCounts::recount);
                System.out.println("donations counted again by state: " + counts + " counts written");
            }
            Summary.read(database).print(System.out);
            return Summary.printVerification(new LedgerVerifier(database).verify(), System.out) ? 0 : 1;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
