package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** Migrating databases made by earlier versions of the schema, on the real embedded PostgreSQL. */
class MigrationsTest {

    private static final String NAME = "migrations_test";
    /** Takes a database back to V5: the later migrations forgotten, and what they created that cannot be created twice dropped. */
    private static final String[] AS_MIGRATED_TO_V5 = {"delete from flyway_schema_history where version::int > 5", "drop table text_pending"};
    private static final List<String> PARENTS = List.of("donor", "inbound_message", "donation", "account", "journal");

    @Test
    void databasesMigratedWithTheOriginalV5OrItsInPlaceEditBothStartAndRefuseTruncatingParents() throws Exception {
        // Proves: a fresh database records V5 as it landed (the checksum Database compares with) and gets V6's TRUNCATE
        // guards; one migrated while V5 held the in-place edit (its checksum, the guards, no V6) starts without Flyway's
        // checksum refusal and keeps its guards; one migrated with the original V5 and no guards gets them from V6.
        DatabaseSettings admin = TestDatabase.server().settings(2);
        DatabaseSettings fresh = new DatabaseSettings(admin.jdbcUrl().replace("/postgres", "/" + NAME), admin.user(), admin.password(), 2,
                admin.connectionTimeoutMs());
        try (Connection server = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement sql = server.createStatement()) {
            sql.execute("drop database if exists " + NAME);
            sql.execute("create database " + NAME);
            try {
                Database.open(fresh).close();
                assertThat(v5Checksum(fresh)).isEqualTo(Database.V5_CHECKSUM);
                assertTruncateRefused(fresh);

                run(fresh, "update flyway_schema_history set checksum = " + Database.V5_EDITED_CHECKSUM + " where version = '5'");
                run(fresh, AS_MIGRATED_TO_V5);
                Database.open(fresh).close();
                assertThat(v5Checksum(fresh)).as("realigned").isEqualTo(Database.V5_CHECKSUM);
                assertTruncateRefused(fresh);

                run(fresh, AS_MIGRATED_TO_V5);
                for (String parent : PARENTS) {
                    run(fresh, "drop trigger " + parent + "_not_truncated on " + parent);
                }
                Database.open(fresh).close();
                assertThat(v5Checksum(fresh)).isEqualTo(Database.V5_CHECKSUM);
                assertTruncateRefused(fresh);
            } finally {
                sql.execute("drop database if exists " + NAME + " with (force)");
            }
        }
    }

    private static long v5Checksum(DatabaseSettings settings) throws SQLException {
        try (Connection connection = connect(settings); Statement sql = connection.createStatement();
             ResultSet row = sql.executeQuery("select checksum from flyway_schema_history where version = '5'")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static void assertTruncateRefused(DatabaseSettings settings) throws SQLException {
        try (Connection connection = connect(settings); Statement sql = connection.createStatement()) {
            for (String parent : PARENTS) {
                assertThatThrownBy(() -> sql.execute("truncate " + parent + " cascade")).as(parent)
                        .isInstanceOf(SQLException.class).hasMessageContaining("TRUNCATE on " + parent + " refused");
            }
        }
    }

    private static void run(DatabaseSettings settings, String... statements) throws SQLException {
        try (Connection connection = connect(settings); Statement sql = connection.createStatement()) {
            for (String statement : statements) {
                sql.execute(statement);
            }
        }
    }

    private static Connection connect(DatabaseSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
    }
}
