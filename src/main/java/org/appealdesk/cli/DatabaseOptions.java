package org.appealdesk.cli;

import java.nio.file.Path;
import org.appealdesk.app.AppConfig;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.platform.EmbeddedPostgresServer;
import picocli.CommandLine.Option;

/**
 * Where a staff command finds the database: the configuration's PostgreSQL, or the embedded one
 * under --data (as `verify` does). Settlement commands need nothing else: the appeals' funds are
 * in the database, written there at every start-up.
 */
final class DatabaseOptions {

    /** Connections a staff command needs: one, and one spare. */
    private static final int POOL_SIZE = 2;

    @Option(names = "--config", description = "configuration file; without it, the embedded database under --data")
    Path config;

    @Option(names = "--data", defaultValue = "data", description = "directory of the embedded PostgreSQL (default: ${DEFAULT-VALUE})")
    Path data;

    /** An open database and, when embedded, its server; closing closes both. */
    static final class Opened implements AutoCloseable {
        final Database database;
        private final EmbeddedPostgresServer embedded;

        Opened(Database database, EmbeddedPostgresServer embedded) {
            this.database = database;
            this.embedded = embedded;
        }

        @Override
        public void close() {
            database.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    Opened open() {
        AppConfig settings = config == null ? null : AppConfig.read(config, System::getenv);
        EmbeddedPostgresServer embedded = settings == null || settings.embeddedDatabase() ? EmbeddedPostgresServer.start(data.resolve("postgres")) : null;
        try {
            DatabaseSettings databaseSettings = embedded != null ? embedded.settings(POOL_SIZE)
                    : new DatabaseSettings(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword(), POOL_SIZE, 10_000);
            return new Opened(Database.open(databaseSettings), embedded);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** Who runs a command, when --by is not given: the operating-system user. */
    static String defaultUser() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() ? "unknown" : user;
    }
}
