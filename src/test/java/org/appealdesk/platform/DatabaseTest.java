package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Database#inTransaction} on the real embedded PostgreSQL: whatever the work throws, nothing it did is kept. */
class DatabaseTest {

    private Database database;

    @BeforeEach
    void start() {
        database = TestDatabase.database();
        TestDatabase.execute(database, "drop table if exists database_probe");
        TestDatabase.execute(database, "create table database_probe (n int primary key)");
    }

    @AfterEach
    void stop() {
        TestDatabase.execute(database, "drop table if exists database_probe");
    }

    @Test
    void workThatThrowsAnExceptionOrAnErrorKeepsNothingAndLeavesThePoolAsItWas() throws Exception {
        // Proves: a row written before the work throws is rolled back, for an exception and for an Error
        // (an AssertionError, an OutOfMemoryError). The Error case used to be committed: the driver commits
        // an open transaction when autocommit is switched back on, which the pool's connections need.
        assertThatThrownBy(() -> database.inTransactionVoid(connection -> {
            insert(connection, 1);
            throw new IllegalStateException("the work failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> database.inTransactionVoid(connection -> {
            insert(connection, 2);
            throw new AssertionError("the work failed harder");
        })).isInstanceOf(AssertionError.class);

        assertThat(TestDatabase.count(database, "select count(*) from database_probe")).isZero();
        database.inTransactionVoid(connection -> insert(connection, 3));
        assertThat(TestDatabase.count(database, "select count(*) from database_probe")).isEqualTo(1);
        try (Connection connection = database.dataSource().getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    private static void insert(Connection connection, int n) throws SQLException {
        try (Statement sql = connection.createStatement()) {
            sql.execute("insert into database_probe (n) values (" + n + ")");
        }
    }
}
