package org.appealdesk.platform;

import java.io.PrintStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Prints where PostgreSQL spent its time, per statement, from pg_stat_statements: the evidence
 * for what a load run is waiting on. Works only when the server preloads the extension.
 */
public final class StatementStatistics {

    /** Statements printed, most total time first. */
    public static final int STATEMENTS_SHOWN_MAX = 15;

    private StatementStatistics() {
    }

    public static void print(Database database, PrintStream out) {
        try {
            database.inTransactionVoid(connection -> {
                try (Statement create = connection.createStatement()) {
                    create.execute("create extension if not exists pg_stat_statements");
                }
                try (PreparedStatement select = connection.prepareStatement(
                        "select calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), rows, plans, round(total_plan_time::numeric, 1),"
                                + " left(regexp_replace(query, '\\s+', ' ', 'g'), 100)"
                                + " from pg_stat_statements order by total_exec_time + total_plan_time desc limit ?");) {
                    select.setInt(1, STATEMENTS_SHOWN_MAX);
                    try (ResultSet rows = select.executeQuery()) {
                        out.printf("%9s %10s %8s %9s %8s %8s  %s%n", "calls", "total ms", "mean ms", "rows", "plans", "plan ms", "statement");
                        while (rows.next()) {
                            out.printf("%9d %10s %8s %9d %8d %8s  %s%n", rows.getLong(1), rows.getString(2), rows.getString(3), rows.getLong(4),
                                    rows.getLong(5), rows.getString(6), rows.getString(7));
                        }
                    }
                }
            });
        } catch (RuntimeException e) {
            out.println("statement statistics unavailable (start with -D" + EmbeddedPostgresServer.STATEMENT_STATISTICS_PROPERTY + "=true): " + e.getMessage());
        }
    }
}
