package org.appealdesk.settle;

import java.io.Writer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.platform.Database;

/**
 * The remittance advice for the charity: per fund, network and month of the charges, what was
 * charged (gross), refunded (to donors, or written off as never paid by the network), settled by
 * the network and paid to the charity. Payouts are per fund, not per month, so what was paid is
 * allocated to the settled money oldest month first (then by network name): a deterministic rule
 * the charity's auditor can redo by hand.
 */
public final class Remittance {

    /** One row of the advice. */
    public record Row(String fund, String network, Period month, long grossPence, long refundedPence, long settledPence, long paidPence) {
    }

    private final Database database;

    public Remittance(Database database) {
        this.database = database;
    }

    public List<Row> rows(String appealSlug) {
        return database.inReadOnlySnapshot(connection -> {
            AppealFunds funds = AppealFunds.require(connection, appealSlug);
            List<Row> designated = new ArrayList<>();
            List<Row> overflow = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select s.network, date_trunc('month', s.resolved_at at time zone 'Europe/London')::date as month,"
                            + " sum(s.designated), sum(s.amount_pence - s.designated),"
                            + " sum(coalesce(r.designated_pence, 0) + coalesce(ps.written_off_designated, 0)),"
                            + " sum(coalesce(r.overflow_pence, 0) + coalesce(ps.written_off_overflow, 0)),"
                            + " sum(case when r.id is null then coalesce(ps.designated_pence, 0) else 0 end),"
                            + " sum(case when r.id is null then coalesce(ps.overflow_pence, 0) else 0 end)"
                            + " from (" + Reports.PART_SPLIT + ") s left join part_settlement ps on ps.part_id = s.part_id left join refund r on r.part_id = s.part_id"
                            + " group by 1, 2 order by 2, 1")) {
                for (int i = 1; i <= Reports.PART_SPLIT_PARAMETERS; i++) {
                    select.setString(i, appealSlug);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String network = rows.getString(1);
                        Period month = Period.ofFirstDay(rows.getObject(2, LocalDate.class));
                        designated.add(new Row(funds.designatedFund(), network, month, rows.getLong(3), rows.getLong(5), rows.getLong(7), 0));
                        overflow.add(new Row(funds.overflowFund(), network, month, rows.getLong(4), rows.getLong(6), rows.getLong(8), 0));
                    }
                }
            }
            List<Row> all = new ArrayList<>(allocatePaid(designated, paid(connection, appealSlug, funds.designatedFund())));
            all.addAll(allocatePaid(overflow, paid(connection, appealSlug, funds.overflowFund())));
            return all;
        });
    }

    private static long paid(java.sql.Connection connection, String slug, String fund) throws java.sql.SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select coalesce(sum(p.amount_pence), 0) from posting p join account a on a.id = p.account_id join journal j on j.id = p.journal_id"
                        + " where a.code = ? and j.kind = 'PAYOUT_PAID'")) {
            select.setString(1, Accounts.payoutReserved(slug, fund));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Oldest settled money first; what is left over (refunds after payout) stays on the last row with settled money. */
    static List<Row> allocatePaid(List<Row> rows, long paidPence) {
        List<Row> allocated = new ArrayList<>(rows.size());
        long left = paidPence;
        int lastSettled = -1;
        for (Row row : rows) {
            long paid = Math.min(left, row.settledPence());
            left -= paid;
            if (row.settledPence() > 0) {
                lastSettled = allocated.size();
            }
            allocated.add(new Row(row.fund(), row.network(), row.month(), row.grossPence(), row.refundedPence(), row.settledPence(), paid));
        }
        if (left > 0 && lastSettled >= 0) {
            Row row = allocated.get(lastSettled);
            allocated.set(lastSettled, new Row(row.fund(), row.network(), row.month(), row.grossPence(), row.refundedPence(), row.settledPence(),
                    row.paidPence() + left));
        }
        return allocated;
    }

    /** Writes the advice as CSV (pence and pounds); returns the rows written. */
    public long write(String appealSlug, Writer out) {
        CsvWriter csv = new CsvWriter(out);
        csv.row("fund", "network", "month", "gross_pence", "refunded_pence", "settled_pence", "paid_pence", "gross", "refunded", "settled", "paid");
        for (Row row : rows(appealSlug)) {
            csv.row(row.fund(), row.network(), row.month().toString(), row.grossPence(), row.refundedPence(), row.settledPence(), row.paidPence(),
                    pounds(row.grossPence()), pounds(row.refundedPence()), pounds(row.settledPence()), pounds(row.paidPence()));
        }
        return csv.rows() - 1;
    }

    private static String pounds(long pence) {
        return org.appealdesk.platform.Money.ofPence(pence).toDecimalString();
    }
}
