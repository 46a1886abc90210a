package org.appealdesk.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.EmbeddedPostgresServer;

/**
 * One embedded PostgreSQL per test JVM (starting one per class would cost a second or more each),
 * migrated once. Tests call {@link #clean()} to start from empty tables.
 */
public final class TestDatabase {

    private static EmbeddedPostgresServer server;
    private static Database database;

    private TestDatabase() {
    }

    public static synchronized Database database() {
        if (database == null) {
            try {
                Path directory = Files.createTempDirectory("appealdesk-test-pg");
                // The suite never pulls the power: commits need not wait for the disk.
                server = EmbeddedPostgresServer.start(directory, EmbeddedPostgresServer.Durability.FAST_FOR_TESTS, false);
                database = Database.open(server.settings(16));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    database.close();
                    server.close();
                    TempDirectories.deleteQuietly(directory); // else every test run leaves ~60 MB in the temp folder
                }));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return database;
    }

    /** Runs one SQL statement in its own transaction (test set-up). */
    public static void execute(Database database, String sql) {
        database.inTransactionVoid(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        });
    }

    /** The single number a query returns, such as a count, read in its own transaction. */
    public static long count(Database database, String sql) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql); ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    public static synchronized EmbeddedPostgresServer server() {
        database();
        return server;
    }

    /**
     * Empties every table. The schema refuses to truncate parents that records refer to (V6), so
     * this runs as a replica session, in which PostgreSQL fires no ordinary triggers.
     */
    public static Database clean() {
        Database db = database();
        db.inTransactionVoid(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("set local session_replication_role = replica");
                statement.execute("truncate posting, journal, account, ledger_head, charge_report, outbox, charge_part, donation,"
                        + " donation_state_count, inbound_message, text_pending, contact_consent, donor, appeal,"
                        + " gift_aid_event, gift_aid_claim, gift_aid_claim_batch, gift_aid_reminder, gift_aid_declaration, card_webhook_event"
                        + ", settlement_import, settlement_line, settlement_malformed, part_settlement, refund, payout, settlement_resolution"
                        + " restart identity cascade");
            }
        });
        return db;
    }
}
