package org.appealdesk.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Many rows in one statement: {@code insert into t (a, b) select * from unnest(?::bigint[], ?::text[])},
 * one array per column. One round trip and one plan whatever the row count.
 *
 * <p>Why not JDBC batches: even rewritten into multi-row VALUES by the driver, a batch of 200 rows
 * became three statements of different shapes (128, 64 and 8 rows), each binding up to 1,800
 * parameters and each planned on its own; the intake writer, which waits on them, was the
 * bottleneck of intake (BENCHMARKS.md).
 *
 * <p>Values are Java arrays of the JDBC types the driver maps to the SQL type named (Long[] for
 * bigint, String[] for text, Boolean[] for boolean, java.sql.Timestamp[] for timestamptz,
 * java.sql.Date[] for date, byte[][] for bytea); nulls are allowed where the column allows them.
 * Timestamps travel as UTC text ("2026-10-25T01:30:00Z") cast in SQL: inside an array the driver
 * writes a Timestamp as local wall-clock time without an offset, which is ambiguous in the hour
 * the clocks go back.
 */
public final class ArrayInsert {

    private final String table;
    private final int rows;
    private final List<String> names = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    /** The array type each column is bound as: its own, or text for timestamps (see above). */
    private final List<String> bindTypes = new ArrayList<>();
    private final List<Object[]> values = new ArrayList<>();
    /** A column filled from a sequence by the statement itself, and that sequence; null when none. */
    private String generatedColumn;
    private String generatedSequence;

    private ArrayInsert(String table, int rows) {
        this.table = table;
        this.rows = rows;
    }

    /** Starts an insert of {@code rows} rows into {@code table}. */
    public static ArrayInsert into(String table, int rows) {
        return new ArrayInsert(table, rows);
    }

    /** Adds a column with one value per row. */
    public ArrayInsert column(String name, String sqlType, Object[] columnValues) {
        if (columnValues.length != rows) {
            throw new IllegalArgumentException(table + "." + name + " has " + columnValues.length + " values for " + rows + " rows");
        }
        names.add(name);
        types.add(sqlType);
        if (columnValues instanceof Timestamp[] times) {
            String[] utc = new String[times.length];
            for (int i = 0; i < times.length; i++) {
                utc[i] = times[i] == null ? null : times[i].toInstant().toString();
            }
            bindTypes.add("text");
            values.add(utc);
        } else {
            bindTypes.add(sqlType);
            values.add(columnValues);
        }
        return this;
    }

    /**
     * Gives every row a fresh id from {@code sequence} in the statement itself, for rows nothing
     * else in the batch refers to: it saves the round trip that reserves ids beforehand.
     */
    public ArrayInsert generatedId(String column, String sequence) {
        if (!sequence.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain sequence name: " + sequence);
        }
        generatedColumn = column;
        generatedSequence = sequence;
        return this;
    }

    /** The statement, with {@code tail} (e.g. "on conflict ... do nothing returning id") after it. */
    String sql(String tail) {
        StringBuilder sql = new StringBuilder("insert into ").append(table).append(" (");
        if (generatedColumn != null) {
            sql.append(generatedColumn).append(", ");
        }
        sql.append(String.join(", ", names)).append(") select ");
        if (generatedColumn != null) {
            sql.append("nextval('").append(generatedSequence).append("'), ");
        }
        sql.append("* from unnest(");
        for (int i = 0; i < types.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("?::").append(bindTypes.get(i)).append("[]");
            if (!bindTypes.get(i).equals(types.get(i))) {
                sql.append("::").append(types.get(i)).append("[]");
            }
        }
        return sql.append(")").append(tail.isEmpty() ? "" : " " + tail).toString();
    }

    /** Prepares the statement with every array bound, for callers that read what it returns. */
    public PreparedStatement prepare(Connection connection, String tail) throws SQLException {
        PreparedStatement insert = connection.prepareStatement(sql(tail));
        try {
            Object[] arrays = arrays(connection);
            for (int i = 0; i < arrays.length; i++) {
                insert.setObject(i + 1, arrays[i]);
            }
            return insert;
        } catch (SQLException | RuntimeException e) {
            insert.close();
            throw e;
        }
    }

    /** Adds the insert to {@code pipeline} (nothing when there are no rows), its count unread. */
    public void addTo(Pipeline pipeline) throws SQLException {
        if (rows > 0) {
            pipeline.update(sql(""), arrays(pipeline.connection()));
        }
    }

    /** Adds the insert with {@code tail} (e.g. "... returning id") to {@code pipeline}; {@code returned} reads its rows. */
    public void addTo(Pipeline pipeline, String tail, Pipeline.RowsReader returned) throws SQLException {
        if (rows > 0) {
            pipeline.query(sql(tail), returned, arrays(pipeline.connection()));
        }
    }

    /**
     * Adds {@code with <name> as (<the insert> <tail>) <then>} to {@code pipeline}: one statement
     * that also uses the rows inserted (e.g. inserts a row beside each), so the rows and what goes
     * with them cost one round trip. {@code returned} reads what {@code then} selects.
     */
    public void addWith(Pipeline pipeline, String tail, String name, String then, Pipeline.RowsReader returned) throws SQLException {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain name: " + name);
        }
        if (rows > 0) {
            pipeline.query("with " + name + " as (" + sql(tail) + ") " + then, returned, arrays(pipeline.connection()));
        }
    }

    /** One SQL array per column, in column order. */
    private Object[] arrays(Connection connection) throws SQLException {
        Object[] arrays = new Object[values.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = connection.createArrayOf(bindTypes.get(i), values.get(i));
        }
        return arrays;
    }

    /** Runs the insert (nothing when there are no rows); returns the rows inserted. */
    public int execute(Connection connection) throws SQLException {
        return execute(connection, "");
    }

    /** Runs the insert with {@code tail} after it (e.g. an "on conflict" clause); returns the rows inserted. */
    public int execute(Connection connection, String tail) throws SQLException {
        if (rows == 0) {
            return 0;
        }
        try (PreparedStatement insert = prepare(connection, tail)) {
            return insert.executeUpdate();
        }
    }
}
