package org.appealdesk.support;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What PostgreSQL plans and answers, read on a test's own statement: for tests that prove which index a query uses. */
public final class Plans {

    private Plans() {
    }

    /**
     * The plan PostgreSQL keeps for {@code query} (one parameter of {@code type}) under the session's
     * settings, as EXPLAIN (VERBOSE) prints it when executed with {@code value}: a kept (generic)
     * plan shows its parameter ($1) unbound.
     */
    public static String keptPlan(Statement sql, String query, String type, String value) throws SQLException {
        String name = "kept_plan_" + System.nanoTime();
        sql.execute("prepare " + name + "(" + type + ") as " + query);
        StringBuilder lines = new StringBuilder();
        try (ResultSet plan = sql.executeQuery("explain (verbose) execute " + name + "('" + value + "')")) {
            while (plan.next()) {
                lines.append(plan.getString(1)).append('\n');
            }
        }
        sql.execute("deallocate " + name);
        return lines.toString();
    }

    /** The first column of the first row {@code query} returns, as text. */
    public static String single(Statement sql, String query) throws SQLException {
        try (ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
