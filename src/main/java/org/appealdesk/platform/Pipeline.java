package org.appealdesk.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several independent statements sent to PostgreSQL in one round trip, their results read in order.
 *
 * <p>Why: a group-committed batch used to send a dozen or more statements one after another, each
 * a round trip that wakes the server's backend and then the writer thread. With both cores busy
 * (the end-to-end benchmark), each of those hand-offs waits for a core: a text-intake batch of 11
 * texts took 5.6 ms, of which about 1 ms was the database's own work (BENCHMARKS.md). The driver
 * sends a prepared statement whose text holds several statements separated by semicolons as one
 * sequence of protocol messages with a single Sync, and the server answers each in turn; a failing
 * statement fails the whole call, and the transaction with it, as the same statements sent one by
 * one would.
 *
 * <p>Only statements that do not need each other's results can share a pipeline: each one's
 * parameters are bound before any of them runs. They do run in the order added, so a later one
 * sees an earlier one's rows.
 */
public final class Pipeline {

    /** Reads a statement's rows, during {@link #run}. */
    @FunctionalInterface
    public interface RowsReader {
        void read(ResultSet rows) throws SQLException;
    }

    /** Checks a statement's update count (rows changed), during {@link #run}. */
    @FunctionalInterface
    public interface CountReader {
        void read(int count) throws SQLException;
    }

    private record Step(String sql, Object[] parameters, RowsReader rows, CountReader count) {
    }

    private final Connection connection;
    private final List<Step> steps = new ArrayList<>();

    public Pipeline(Connection connection) {
        this.connection = connection;
    }

    /** The connection the statements will run on (for creating array parameters). */
    public Connection connection() {
        return connection;
    }

    /** Adds a statement that returns rows (a select, or a write with RETURNING); {@code rows} reads them. */
    public Pipeline query(String sql, RowsReader rows, Object... parameters) {
        steps.add(new Step(requireSingle(sql), parameters, rows, null));
        return this;
    }

    /** Adds a write that returns no rows; {@code count} is told how many rows it changed. */
    public Pipeline update(String sql, CountReader count, Object... parameters) {
        steps.add(new Step(requireSingle(sql), parameters, null, count));
        return this;
    }

    /** Adds a write that returns no rows and whose count does not matter. */
    public Pipeline update(String sql, Object... parameters) {
        return update(sql, count -> { }, parameters);
    }

    /** Whether nothing has been added. */
    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Sends every statement added, in one round trip (none when empty), and hands each result to its reader. */
    public void run() throws SQLException {
        if (steps.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        for (Step step : steps) {
            sql.append(sql.isEmpty() ? "" : ";\n").append(step.sql());
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (Step step : steps) {
                for (Object parameter : step.parameters()) {
                    statement.setObject(index++, parameter);
                }
            }
            boolean isRows = statement.execute();
            for (Step step : steps) {
                if (isRows != (step.rows() != null)) {
                    throw new IllegalStateException("statement returned " + (isRows ? "rows" : "a count") + " where "
                            + (isRows ? "a count" : "rows") + " was expected: " + step.sql());
                }
                if (isRows) {
                    try (ResultSet rows = statement.getResultSet()) {
                        step.rows().read(rows);
                    }
                } else {
                    step.count().read(statement.getUpdateCount());
                }
                isRows = statement.getMoreResults();
            }
        } finally {
            steps.clear();
        }
    }

    /** A semicolon inside a statement would split it in two and shift every result after it. */
    private static String requireSingle(String sql) {
        if (sql.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one statement per step, without ';': " + sql);
        }
        return sql;
    }
}
