package org.appealdesk.app;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;

/**
 * The figures a finance officer asks for after a run, straight from the database: texts received
 * (and any not yet acted on), gifts charged, declined by reason, unknown, money charged and money
 * per fund (from the ledger).
 */
public record Summary(long textsReceived, Map<String, Long> textsByCommand, long textsWaiting, long charged, long charging, long unknown,
                      Map<String, Long> declinedByReason, Map<String, Long> rejectedByReason, Money amountCharged,
                      Map<String, Money> amountPerFund) {

    public static Summary read(Database database) {
        return database.inTransaction(connection -> new Summary(
                single(connection, "select count(*) from inbound_message"),
                counts(connection, "select command, count(*) from inbound_message group by command order by 2 desc"),
                single(connection, "select count(*) from text_pending"),
                single(connection, "select count(*) from donation where state = 'CHARGED'"),
                single(connection, "select count(*) from donation where state = 'CHARGING'"),
                single(connection, "select count(*) from donation where state = 'UNKNOWN'"),
                counts(connection, "select coalesce(reason, '?'), count(*) from donation where state = 'FAILED' group by reason order by 2 desc"),
                counts(connection, "select coalesce(reason, '?'), count(*) from donation where state = 'REJECTED' group by reason order by 2 desc"),
                Money.ofPence(single(connection, "select coalesce(sum(amount_pence), 0) from donation where state = 'CHARGED'")),
                funds(connection)));
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static Map<String, Long> counts(Connection connection, String sql) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private static Map<String, Money> funds(Connection connection) throws SQLException {
        Map<String, Money> funds = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select acc.code, -sum(p.amount_pence) from posting p join account acc on acc.id = p.account_id"
                        + " join journal j on j.id = p.journal_id where acc.kind = 'FUND' and j.kind in ('CHARGE', 'REFUND')"
                        + " group by acc.code order by acc.code");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                funds.put(rows.getString(1), Money.ofPence(rows.getLong(2)));
            }
        }
        return funds;
    }

    public void print(PrintStream out) {
        out.println("Texts received:      " + textsReceived + "  " + textsByCommand);
        if (textsWaiting > 0) {
            // Acknowledged, not yet acted on: a running node acts on them within seconds, a stopped one at its next start.
            out.println("Not yet acted on:    " + textsWaiting + "  (acted on by a running node, or at the next start)");
        }
        out.println("Gifts charged:       " + charged + "  (" + amountCharged + ")");
        out.println("Awaiting report:     " + charging);
        out.println("Unknown (uncounted): " + unknown);
        out.println("Declined by network: " + declinedByReason);
        out.println("Not sent (caps):     " + rejectedByReason);
        amountPerFund.forEach((account, amount) -> out.println("Fund " + account.substring(account.lastIndexOf(':') + 1) + ": " + amount));
    }

    /** Prints every check and returns whether all passed. */
    public static boolean printVerification(LedgerVerifier.Report report, PrintStream out) {
        for (LedgerVerifier.CheckResult check : report.checks()) {
            out.println((check.passed() ? "  ok    " : "  FAIL  ") + check.name() + (check.passed() ? "" : " (" + check.breaches() + " breaches)"));
            check.examples().forEach(example -> out.println("          " + example));
        }
        out.println(report.passed() ? "verify: the ledger balances and the totals equal the ledger" : "verify: FAILED");
        return report.passed();
    }
}
