package org.appealdesk.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system of record: a HikariCP pool over PostgreSQL, migrated by Flyway at open.
 *
 * <p>Work runs as a lambda inside one transaction ({@link #inTransaction}), JDBI-style. A
 * serialization failure or deadlock is retried a bounded number of times with the whole lambda,
 * so the lambda must be safe to run again: it may only touch the database through the connection
 * it is given, never an aggregator or a queue (the outbox carries those).
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Attempts at a transaction that lost a serialization race before the error is surfaced. */
    public static final int TRANSACTION_ATTEMPTS_MAX = 5;

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens the pool and brings the schema up to date; refuses to start on a bad setting. */
    public static Database open(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSizeMax());
        config.setConnectionTimeout(settings.connectionTimeoutMs());
        config.setAutoCommit(true);
        config.setPoolName("appealdesk");
        // Server-side prepared statements after first use keep the hot inserts cheap.
        config.addDataSourceProperty("prepareThreshold", "1");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            realignEditedV5(pool);
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        log.info("database ready: pool of {} connections", settings.poolSizeMax());
        return new Database(pool);
    }

    /** Flyway's checksum of V5 as it landed, and of the in-place edit that briefly replaced it (86b2be4). */
    static final int V5_CHECKSUM = -2041127309;
    static final int V5_EDITED_CHECKSUM = -1816639641;

    /**
     * A database migrated while V5 held that edit records the edit's checksum, and Flyway would
     * refuse to start on it. Its schema is V5 plus the TRUNCATE triggers that V6 now creates (or
     * replaces), so recording V5's own checksum is true to what it holds.
     */
    private static void realignEditedV5(DataSource pool) {
        try (Connection connection = pool.getConnection(); java.sql.Statement sql = connection.createStatement()) {
            try (java.sql.ResultSet history = sql.executeQuery("select to_regclass('flyway_schema_history') is not null")) {
                history.next();
                if (!history.getBoolean(1)) {
                    return;
                }
            }
            int realigned = sql.executeUpdate("update flyway_schema_history set checksum = " + V5_CHECKSUM
                    + " where version = '5' and checksum = " + V5_EDITED_CHECKSUM);
            if (realigned > 0) {
                log.info("V5's recorded checksum realigned to the migration as it landed (its TRUNCATE triggers are V6 now)");
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the migration history: " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} in one transaction, committing on return and rolling back on any throw. */
    public <T> T inTransaction(TransactionWork<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= TRANSACTION_ATTEMPTS_MAX; attempt++) {
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (Throwable e) {
                    // Errors too (an AssertionError, an OutOfMemoryError): otherwise the finally below
                    // would commit the half-done work, as the driver commits an open transaction when
                    // autocommit is switched back on. Rethrown as it came (SQLException or unchecked).
                    rollbackQuietly(connection);
                    if (e instanceof SQLException sql && isRetryable(sql)) {
                        last = sql;
                        continue;
                    }
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (!isRetryable(e)) {
                    throw new DatabaseException("transaction failed: " + e.getMessage(), e);
                }
                last = e;
            }
        }
        throw new DatabaseException("transaction lost " + TRANSACTION_ATTEMPTS_MAX + " serialization races in a row", last);
    }

    /**
     * Runs read-only {@code work} in one repeatable-read snapshot, so reports and checks made of
     * several queries all see one consistent state even while texts keep arriving.
     */
    public <T> T inReadOnlySnapshot(TransactionWork<T> work) {
        return inTransaction(connection -> {
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("set transaction isolation level repeatable read, read only");
            }
            return work.run(connection);
        });
    }

    /** Runs {@code work} in a transaction that returns nothing. */
    public void inTransactionVoid(TransactionVoidWork work) {
        inTransaction(connection -> {
            work.run(connection);
            return null;
        });
    }

    private static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.warn("rollback failed; the pool will discard the connection: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    public interface TransactionVoidWork {
        void run(Connection connection) throws SQLException;
    }

    /** Broken infrastructure: the database could not do what was asked. */
    public static final class DatabaseException extends RuntimeException {
        public DatabaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
