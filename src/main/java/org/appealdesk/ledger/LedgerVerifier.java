package org.appealdesk.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.Database;

/**
 * The second, independent check of the money: plain SQL over the tables, sharing no code with the
 * Java that wrote them. Each check is a query that returns the rows that break a rule; a sound
 * database returns none. `./appealdesk verify` prints the result and exits non-zero on any breach.
 */
public final class LedgerVerifier {

    /** Offending rows shown per failed check; the count is always exact. */
    public static final int EXAMPLES_MAX = 10;

    /** One rule and the SQL that finds its breaches. */
    public record Rule(String name, String sql) {
    }

    public record CheckResult(String name, long breaches, List<String> examples) {
        public boolean passed() {
            return breaches == 0;
        }
    }

    public record Report(List<CheckResult> checks) {
        public boolean passed() {
            return checks.stream().allMatch(CheckResult::passed);
        }
    }

    public static final List<Rule> RULES = List.of(
            new Rule("every journal's postings sum to zero",
                    "select journal_id, sum(amount_pence) as total from posting group by journal_id having sum(amount_pence) <> 0"),
            new Rule("every journal has at least two postings",
                    "select j.id, count(p.journal_id) as postings from journal j left join posting p on p.journal_id = j.id group by j.id having count(p.journal_id) < 2"),
            new Rule("every charged donation is booked exactly once, for its amount",
                    "select d.id, d.amount_pence, count(j.id) as journals, coalesce(sum(r.amount_pence), 0) as booked from donation d"
                            + " left join journal j on j.donation_id = d.id and j.kind = 'CHARGE'"
                            + " left join posting r on r.journal_id = j.id and r.account_id in (select id from account where kind = 'RECEIVABLE')"
                            + " where d.state = 'CHARGED' group by d.id, d.amount_pence"
                            + " having count(j.id) <> 1 or coalesce(sum(r.amount_pence), 0) <> d.amount_pence"),
            new Rule("no donation that is not charged has a charge journal",
                    "select d.id, d.state from donation d join journal j on j.donation_id = d.id and j.kind = 'CHARGE' where d.state <> 'CHARGED'"),
            new Rule("a donation is charged exactly when all its parts are",
                    "select d.id, d.state, count(*) filter (where p.state = 'CHARGED') as charged_parts, count(p.id) as parts,"
                            + " coalesce(sum(p.amount_pence), 0) as parts_pence, d.amount_pence from donation d left join charge_part p on p.donation_id = d.id"
                            + " where d.state <> 'REJECTED' group by d.id having (d.state = 'CHARGED') <> (count(*) filter (where p.state = 'CHARGED') = count(p.id) and count(p.id) > 0)"
                            + " or coalesce(sum(p.amount_pence), 0) <> d.amount_pence"),
            new Rule("every part charged for a failed donation is booked to suspense once",
                    "select p.id, p.donation_id, count(j.id) as journals from charge_part p join donation d on d.id = p.donation_id"
                            + " left join journal j on j.idempotency_key = 'partial:donation:' || p.donation_id || ':part:' || p.part_no"
                            + " where d.state = 'FAILED' and p.state = 'CHARGED' group by p.id having count(j.id) <> 1"),
            new Rule("the designated fund never exceeds its cap",
                    "select a.slug, -sum(p.amount_pence) as fund_pence, a.designated_cap_pence from appeal a"
                            + " join account acc on acc.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund"
                            + " join posting p on p.account_id = acc.id where a.designated_cap_pence is not null"
                            + " group by a.slug, a.designated_cap_pence having -sum(p.amount_pence) > a.designated_cap_pence"),
            new Rule("the overflow rule's running allocation equals the designated fund's postings",
                    "select h.appeal_slug, h.designated_allocated_pence, coalesce(f.pence, 0) as fund_pence from ledger_head h"
                            + " join appeal a on a.slug = h.appeal_slug left join lateral (select -sum(p.amount_pence) as pence from posting p"
                            + " join account acc on acc.id = p.account_id where acc.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund) f on true"
                            + " where h.designated_allocated_pence <> coalesce(f.pence, 0)"),
            new Rule("totals equal the ledger: fund money per appeal equals its charged donations",
                    "with ledger as (select j.appeal_slug, -sum(p.amount_pence) as pence from journal j join posting p on p.journal_id = j.id"
                            + " join account acc on acc.id = p.account_id where acc.kind = 'FUND' and j.kind in ('CHARGE', 'REFUND') group by j.appeal_slug),"
                            + " gifts as (select appeal_slug, sum(amount_pence) as pence from donation where state = 'CHARGED' group by appeal_slug)"
                            + " select coalesce(l.appeal_slug, g.appeal_slug) as appeal, l.pence as ledger_pence, g.pence as donations_pence"
                            + " from ledger l full join gifts g on g.appeal_slug = l.appeal_slug where coalesce(l.pence, 0) <> coalesce(g.pence, 0)"),
            new Rule("every journal posts only to its own appeal's accounts",
                    "select j.id, j.appeal_slug, acc.code from journal j join posting p on p.journal_id = j.id join account acc on acc.id = p.account_id"
                            + " where acc.appeal_slug is distinct from j.appeal_slug"),
            new Rule("no charge request id is used by two parts, and no network message id by two parts",
                    "select request_id, count(*) from charge_part group by request_id having count(*) > 1"
                            + " union all select network_message_id, count(*) from charge_part where network_message_id is not null"
                            + " group by network_message_id having count(*) > 1"));

    private final Database database;

    public LedgerVerifier(Database database) {
        this.database = database;
    }

    /** Runs every rule in one repeatable-read snapshot, so the rules see one consistent state. */
    public Report verify() {
        return database.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                statement.execute("set transaction isolation level repeatable read, read only");
            }
            List<CheckResult> results = new ArrayList<>();
            for (Rule rule : RULES) {
                results.add(check(connection, rule));
            }
            return new Report(results);
        });
    }

    private static CheckResult check(Connection connection, Rule rule) throws SQLException {
        long breaches = 0;
        List<String> examples = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(rule.sql()); ResultSet rows = select.executeQuery()) {
            ResultSetMetaData meta = rows.getMetaData();
            while (rows.next()) {
                breaches++;
                if (examples.size() < EXAMPLES_MAX) {
                    StringBuilder row = new StringBuilder();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.append(column > 1 ? ", " : "").append(meta.getColumnLabel(column)).append('=').append(rows.getString(column));
                    }
                    examples.add(row.toString());
                }
            }
        }
        return new CheckResult(rule.name(), breaches, examples);
    }
}
