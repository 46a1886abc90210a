package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Account balances read inside the caller's transaction (signed pence: debit positive, credit negative). */
final class Balances {

    private Balances() {
    }

    /** The balance of one account; zero when the account has never been used. */
    static long of(Connection connection, String accountCode) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select coalesce(sum(p.amount_pence), 0) from posting p join account a on a.id = p.account_id where a.code = ?")) {
            select.setString(1, accountCode);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** A liability's balance as a positive amount owed (liabilities hold credits, which are negative). */
    static long owed(Connection connection, String accountCode) throws SQLException {
        return -of(connection, accountCode);
    }
}
