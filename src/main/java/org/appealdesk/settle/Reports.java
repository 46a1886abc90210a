package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.platform.Database;

/**
 * Builds the 100% report ({@link AppealReport}) in one repeatable-read snapshot. The identity is
 * checked on the ledger (each figure from different accounts and journal kinds), and the unsettled
 * money is recomputed from the charge parts as a second, independent source.
 */
public final class Reports {

    /** Journals shown per fund when the identity does not hold. */
    public static final int DIFFERENCE_JOURNALS_MAX = 20;

    /**
     * The fund split of every charged part of an appeal's charged donations, recomputed in SQL from
     * the donation's CHARGE journal: designated money first, by part order.
     */
    static final String PART_SPLIT = "select p.id as part_id, coalesce(d.network, 'unknown') as network, p.amount_pence, p.resolved_at,"
            + " greatest(0, least(p.amount_pence, coalesce(dz.designated, 0) - case when p.part_no = 1 then 0 else (select coalesce(sum(q.amount_pence), 0)"
            + " from charge_part q where q.donation_id = p.donation_id and q.part_no < p.part_no) end)) as designated"
            + " from donation d join charge_part p on p.donation_id = d.id"
            + " left join (select j.donation_id, -pd.amount_pence as designated from appeal a"
            + " join account ad on ad.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund"
            + " join posting pd on pd.account_id = ad.id join journal j on j.id = pd.journal_id and j.kind = 'CHARGE' where a.slug = ?) dz"
            + " on dz.donation_id = d.id"
            + " where d.appeal_slug = ? and d.state = 'CHARGED'";
    /** Parameters PART_SPLIT takes: the appeal's slug, twice. */
    static final int PART_SPLIT_PARAMETERS = 2;

    private final Database database;
    private final InstantSource clock;

    public Reports(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    public Optional<AppealReport> report(String appealSlug) {
        Instant now = clock.instant();
        return database.inReadOnlySnapshot(connection -> {
            Optional<AppealFunds> funds = AppealFunds.load(connection, appealSlug);
            if (funds.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(build(connection, funds.get(), now));
        });
    }

    private static AppealReport build(Connection connection, AppealFunds funds, Instant now) throws SQLException {
        String slug = funds.appealSlug();
        Map<String, Map<String, Long>> flows = flows(connection, slug);
        List<AppealReport.Outstanding> outstanding = new ArrayList<>();
        Map<String, Long> unsettledFromCharges = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select s.network, date_trunc('month', s.resolved_at at time zone 'Europe/London')::date, count(*) filter (where s.designated > 0),"
                        + " sum(s.designated), count(*) filter (where s.amount_pence > s.designated), sum(s.amount_pence - s.designated) from (" + PART_SPLIT + ") s"
                        + " left join part_settlement ps on ps.part_id = s.part_id left join refund r on r.part_id = s.part_id"
                        + " where ps.part_id is null and r.part_id is null group by 1, 2 order by 2, 1")) {
            for (int i = 1; i <= PART_SPLIT_PARAMETERS; i++) {
                select.setString(i, slug);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Period month = Period.ofFirstDay(rows.getObject(2, LocalDate.class));
                    AgeBucket age = AgeBucket.of(month, now);
                    long designated = rows.getLong(4);
                    long overflow = rows.getLong(6);
                    if (designated > 0) {
                        outstanding.add(new AppealReport.Outstanding(rows.getString(1), month, funds.designatedFund(), age, rows.getLong(3), designated));
                    }
                    if (overflow > 0) {
                        outstanding.add(new AppealReport.Outstanding(rows.getString(1), month, funds.overflowFund(), age, rows.getLong(5), overflow));
                    }
                    unsettledFromCharges.merge(funds.designatedFund(), designated, Long::sum);
                    unsettledFromCharges.merge(funds.overflowFund(), overflow, Long::sum);
                }
            }
        }
        Map<String, long[]> records = recordedRefunds(connection, slug, funds);
        List<AppealReport.FundReport> fundReports = new ArrayList<>();
        for (String fund : funds.funds()) {
            String fundAccount = Accounts.fund(slug, fund);
            String payable = Accounts.payable(slug, fund);
            String reserved = Accounts.payoutReserved(slug, fund);
            String recoverable = Accounts.recoverable(slug, fund);
            long charged = -flow(flows, fundAccount, "CHARGE");
            long refunded = flow(flows, fundAccount, "REFUND");
            long settled = -flow(flows, payable, "SETTLEMENT");
            long unsettled = -balance(flows, fundAccount);
            long held = -balance(flows, payable);
            long owedBack = balance(flows, recoverable);
            long reservedNow = -balance(flows, reserved);
            long paid = flow(flows, reserved, "PAYOUT_PAID");
            long[] recorded = records.getOrDefault(fund, new long[2]);
            long difference = charged - (paid + reservedNow + unsettled + held - owedBack + refunded);
            List<String> causes = difference == 0 ? List.of() : differenceJournals(connection, fundAccount, payable, reserved, recoverable);
            fundReports.add(new AppealReport.FundReport(fund, fund.equals(funds.designatedFund()), charged, refunded, recorded[0], recorded[1], settled,
                    unsettled, held, owedBack, reservedNow, paid, unsettledFromCharges.getOrDefault(fund, 0L), causes));
        }
        return new AppealReport(slug, now, fundReports, outstanding, suspense(connection, flows, slug), balance(flows, Accounts.cash(slug)),
                settledByNetwork(connection, slug));
    }

    /** Signed sums per account and journal kind, for every account of the appeal. */
    private static Map<String, Map<String, Long>> flows(Connection connection, String slug) throws SQLException {
        Map<String, Map<String, Long>> flows = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select acc.code, j.kind, sum(p.amount_pence) from account acc join posting p on p.account_id = acc.id join journal j on j.id = p.journal_id"
                        + " where acc.appeal_slug = ? and acc.code not like ? group by acc.code, j.kind")) {
            select.setString(1, slug);
            select.setString(2, "appeal:" + slug + ":receivable:%");
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    flows.computeIfAbsent(rows.getString(1), k -> new HashMap<>()).put(rows.getString(2), rows.getLong(3));
                }
            }
        }
        return flows;
    }

    private static long flow(Map<String, Map<String, Long>> flows, String account, String kind) {
        return flows.getOrDefault(account, Map.of()).getOrDefault(kind, 0L);
    }

    private static long balance(Map<String, Map<String, Long>> flows, String account) {
        return flows.getOrDefault(account, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Refunds to donors and write-offs per fund, from the records (not the ledger). */
    private static Map<String, long[]> recordedRefunds(Connection connection, String slug, AppealFunds funds) throws SQLException {
        Map<String, long[]> records = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select (select coalesce(sum(designated_pence), 0) from refund where appeal_slug = ?), (select coalesce(sum(overflow_pence), 0) from refund where appeal_slug = ?),"
                        + " (select coalesce(sum(written_off_designated), 0) from part_settlement where appeal_slug = ?),"
                        + " (select coalesce(sum(written_off_overflow), 0) from part_settlement where appeal_slug = ?)")) {
            for (int i = 1; i <= 4; i++) {
                select.setString(i, slug);
            }
            try (ResultSet row = select.executeQuery()) {
                row.next();
                records.put(funds.designatedFund(), new long[]{row.getLong(1), row.getLong(3)});
                records.put(funds.overflowFund(), new long[]{row.getLong(2), row.getLong(4)});
            }
        }
        return records;
    }

    /**
     * The journals whose effect on the fund's accounts is not counted as charged, refunded or paid:
     * moves between the fund's own accounts net to zero and are fine; anything else leaks money.
     */
    private static List<String> differenceJournals(Connection connection, String fund, String payable, String reserved, String recoverable) throws SQLException {
        List<String> journals = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select j.id, j.kind, j.idempotency_key, sum(p.amount_pence) - sum(case when (j.kind in ('CHARGE', 'REFUND') and acc.code = ?)"
                        + " or (j.kind = 'PAYOUT_PAID' and acc.code = ?) then p.amount_pence else 0 end) as uncounted"
                        + " from journal j join posting p on p.journal_id = j.id join account acc on acc.id = p.account_id"
                        + " where acc.code in (?, ?, ?, ?) group by j.id, j.kind, j.idempotency_key"
                        + " having sum(p.amount_pence) <> sum(case when (j.kind in ('CHARGE', 'REFUND') and acc.code = ?)"
                        + " or (j.kind = 'PAYOUT_PAID' and acc.code = ?) then p.amount_pence else 0 end) order by j.id limit ?")) {
            select.setString(1, fund);
            select.setString(2, reserved);
            select.setString(3, fund);
            select.setString(4, payable);
            select.setString(5, reserved);
            select.setString(6, recoverable);
            select.setString(7, fund);
            select.setString(8, reserved);
            select.setInt(9, DIFFERENCE_JOURNALS_MAX);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    journals.add("journal " + rows.getLong(1) + " " + rows.getString(2) + " " + rows.getString(3) + " leaves " + rows.getLong(4)
                            + " pence unaccounted");
                }
            }
        }
        return journals;
    }

    private static AppealReport.Suspense suspense(Connection connection, Map<String, Map<String, Long>> flows, String slug) throws SQLException {
        long outstanding;
        try (PreparedStatement select = connection.prepareStatement(
                "select coalesce(sum(p.amount_pence), 0) from charge_part p join donation d on d.id = p.donation_id"
                        + " left join part_settlement ps on ps.part_id = p.id left join refund r on r.part_id = p.id"
                        + " where d.appeal_slug = ? and d.state = 'FAILED' and p.state = 'CHARGED' and ps.part_id is null and r.part_id is null")) {
            select.setString(1, slug);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                outstanding = row.getLong(1);
            }
        }
        return new AppealReport.Suspense(-balance(flows, Accounts.partialCharges(slug)), outstanding, -balance(flows, Accounts.unmatchedSettlement(slug)));
    }

    private static List<AppealReport.NetworkSettled> settledByNetwork(Connection connection, String slug) throws SQLException {
        List<AppealReport.NetworkSettled> networks = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select network, count(*), sum(settled_pence), sum(written_off_pence) from part_settlement where appeal_slug = ? group by network order by network")) {
            select.setString(1, slug);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    networks.add(new AppealReport.NetworkSettled(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4)));
                }
            }
        }
        return networks;
    }
}
