package org.appealdesk.platform;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Where PostgreSQL spent its time, per statement, from pg_stat_statements: the evidence for what a
 * load run is waiting on. Works only when the server preloads the extension. One reading and one
 * table for the demo's summary and the bench's report.
 */
public final class StatementStatistics {

    /** Statements printed, most total time first. */
    public static final int STATEMENTS_SHOWN_MAX = 15;
    /** Characters of a statement's text printed in the table. */
    public static final int TEXT_PRINTED_MAX = 100;

    private StatementStatistics() {
    }

    /**
     * One statement's share of the server's time: execution and planning, in ms (planning counted
     * only where pg_stat_statements.track_planning is on). A statement planned on every call has
     * {@code plans} equal to {@code calls}.
     */
    public record StatementTime(long calls, double totalMs, double meanMs, long rows, long plans, double planMs, String query) {
    }

    /**
     * The {@code count} statements that took the most server time, execution and planning together,
     * costliest first, each text cut to {@code textLengthMax}; this reading's own queries left out.
     */
    public static List<StatementTime> top(Connection connection, int count, int textLengthMax) throws SQLException {
        List<StatementTime> statements = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select calls, total_exec_time, mean_exec_time, rows, plans, total_plan_time, left(regexp_replace(query, '\\s+', ' ', 'g'), ?)"
                        + " from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time + total_plan_time desc limit ?")) {
            select.setInt(1, textLengthMax);
            select.setInt(2, count);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    statements.add(new StatementTime(rows.getLong(1), Math.round(rows.getDouble(2) * 10) / 10.0,
                            Math.round(rows.getDouble(3) * 1_000) / 1_000.0, rows.getLong(4), rows.getLong(5),
                            Math.round(rows.getDouble(6) * 10) / 10.0, rows.getString(7)));
                }
            }
        }
        return statements;
    }

    /** The statements as a table, each line after {@code indent}. */
    public static void printTable(List<StatementTime> statements, PrintStream out, String indent) {
        out.printf("%s%9s %10s %8s %9s %8s %8s  %s%n", indent, "calls", "total ms", "mean ms", "rows", "plans", "plan ms", "statement");
        for (StatementTime s : statements) {
            out.printf("%s%9d %10.1f %8.3f %9d %8d %8.1f  %s%n", indent, s.calls(), s.totalMs(), s.meanMs(), s.rows(), s.plans(), s.planMs(),
                    s.query().length() > TEXT_PRINTED_MAX ? s.query().substring(0, TEXT_PRINTED_MAX) : s.query());
        }
    }

    /** Prints the costliest statements so far (the demo's summary), or why they are unavailable. */
    public static void print(Database database, PrintStream out) {
        try {
            List<StatementTime> statements = database.inTransaction(connection -> {
                try (Statement create = connection.createStatement()) {
                    create.execute("create extension if not exists pg_stat_statements");
                }
                return top(connection, STATEMENTS_SHOWN_MAX, TEXT_PRINTED_MAX);
            });
            printTable(statements, out, "");
        } catch (RuntimeException e) {
            out.println("statement statistics unavailable (start with -D" + EmbeddedPostgresServer.STATEMENT_STATISTICS_PROPERTY + "=true): " + e.getMessage());
        }
    }
}
