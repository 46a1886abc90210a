package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An appeal's two funds as the {@code appeal} table records them (written at every start-up), so
 * settlement commands need no configuration file, only the database.
 */
public record AppealFunds(String appealSlug, String designatedFund, String overflowFund) {

    public AppealFunds {
        if (appealSlug == null || designatedFund == null || overflowFund == null || designatedFund.equals(overflowFund)) {
            throw new IllegalArgumentException("appeal " + appealSlug + " needs two different funds, got " + designatedFund + " and " + overflowFund);
        }
    }

    public List<String> funds() {
        return List.of(designatedFund, overflowFund);
    }

    /** The slug of the fund that a split's designated or overflow share belongs to. */
    public String fundOf(boolean designated) {
        return designated ? designatedFund : overflowFund;
    }

    public static Optional<AppealFunds> load(Connection connection, String appealSlug) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select slug, designated_fund, overflow_fund from appeal where slug = ?")) {
            select.setString(1, appealSlug);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new AppealFunds(row.getString(1), row.getString(2), row.getString(3))) : Optional.empty();
            }
        }
    }

    public static AppealFunds require(Connection connection, String appealSlug) throws SQLException {
        return load(connection, appealSlug).orElseThrow(() -> new IllegalArgumentException("no appeal called '" + appealSlug + "'"));
    }

    public static List<AppealFunds> all(Connection connection) throws SQLException {
        List<AppealFunds> appeals = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("select slug, designated_fund, overflow_fund from appeal order by slug");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                appeals.add(new AppealFunds(rows.getString(1), rows.getString(2), rows.getString(3)));
            }
        }
        return appeals;
    }
}
