package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.Posting;
import org.appealdesk.platform.Sequences;

/**
 * Books refunds of charge parts, inside a transaction that holds the settlement lock and the
 * appeal's ledger lock. Shared by network refunds (a report's refunded lines, thousands at once)
 * and staff refunds; all of one call go to the ledger in one batch.
 *
 * <p>The REFUND journal reverses the part's fund split, so the live totals fall at once, and takes
 * the money from where it is: still owed by the network (receivable) or already paid to us (cash).
 * When the network had paid, the settled share first moves back from the charity payable to the
 * fund (a SETTLEMENT_REVERSAL journal); what the payable no longer holds, because it was reserved or
 * paid out, becomes recoverable from the charity. So the charity payable never goes negative and a
 * refund is never blocked by a balance (DOMAIN.md: peers' refunds were).
 */
final class RefundBooking {

    /** One part to refund, with why and (for a network refund) the report line that says so. */
    record Request(PartFacts part, Long importId, Long lineNo, String reason) {
    }

    private RefundBooking() {
    }

    static List<Refund> book(Connection connection, Ledger.AppealBatch batch, AppealFunds funds, List<Request> requests, Refund.Source source,
                             String by, Instant now) throws SQLException {
        if (requests.isEmpty()) {
            return List.of();
        }
        String slug = funds.appealSlug();
        Map<String, Long> payableLeft = new HashMap<>();
        List<Journal> journals = new ArrayList<>(requests.size() * 2);
        List<Long> designatedDeltas = new ArrayList<>(requests.size() * 2);
        List<long[]> recoveredByRequest = new ArrayList<>(requests.size());
        for (Request request : requests) {
            PartFacts part = request.part();
            FundSplit refunded = part.refundable();
            if (refunded.totalPence() == 0 || !part.appealSlug().equals(slug)) {
                throw new IllegalStateException("part " + part.partId() + " of " + part.appealSlug() + " has nothing to refund here (booking "
                        + part.booking() + ", refund " + part.refundId() + ")");
            }
            String key = "refund:part:" + part.partId();
            long[] recovered = new long[2];
            List<Posting> reversal = reversal(connection, funds, part.settled(), payableLeft, recovered);
            if (!reversal.isEmpty()) {
                journals.add(new Journal(slug, JournalKind.SETTLEMENT_REVERSAL, key + ":unsettle", part.donationId(), reversal,
                        "settled money of a refunded part back to its fund"));
                designatedDeltas.add(0L);
            }
            journals.add(new Journal(slug, JournalKind.REFUND, key, part.donationId(), refundPostings(funds, part, refunded),
                    "refund (" + source.name().toLowerCase(Locale.ROOT) + ") of part " + part.partNo() + " of donation " + part.donationId()));
            designatedDeltas.add(-refunded.designatedPence());
            recoveredByRequest.add(recovered);
        }
        Set<String> written = batch.post(journals, designatedDeltas, now);
        if (written.size() != journals.size()) {
            throw new IllegalStateException("of " + journals.size() + " refund journals, " + (journals.size() - written.size()) + " already existed");
        }
        return insert(connection, slug, requests, recoveredByRequest, source, by, now);
    }

    /**
     * The settled share of a part goes back from the payable to the fund; what the payable has no
     * longer (reserved or paid) is recoverable from the charity.
     */
    private static List<Posting> reversal(Connection connection, AppealFunds funds, FundSplit settled, Map<String, Long> payableLeft, long[] recovered)
            throws SQLException {
        String slug = funds.appealSlug();
        List<Posting> postings = new ArrayList<>(6);
        long[] settledByFund = {settled.designatedPence(), settled.overflowPence()};
        for (int i = 0; i < 2; i++) {
            if (settledByFund[i] == 0) {
                continue;
            }
            String fund = funds.fundOf(i == 0);
            String payable = Accounts.payable(slug, fund);
            Long left = payableLeft.get(payable);
            if (left == null) {
                left = Math.max(0, Balances.owed(connection, payable));
            }
            long fromPayable = Math.min(settledByFund[i], left);
            payableLeft.put(payable, left - fromPayable);
            recovered[i] = settledByFund[i] - fromPayable;
            if (fromPayable > 0) {
                postings.add(new Posting(payable, AccountKind.PAYABLE, fromPayable));
            }
            if (recovered[i] > 0) {
                postings.add(new Posting(Accounts.recoverable(slug, fund), AccountKind.RECEIVABLE, recovered[i]));
            }
            postings.add(new Posting(Accounts.fund(slug, fund), AccountKind.FUND, -settledByFund[i]));
        }
        return postings;
    }

    private static List<Posting> refundPostings(AppealFunds funds, PartFacts part, FundSplit refunded) {
        String slug = funds.appealSlug();
        long fromReceivable = refunded.totalPence() - part.settled().totalPence();
        List<Posting> postings = new ArrayList<>(5);
        if (refunded.designatedPence() > 0) {
            postings.add(new Posting(Accounts.fund(slug, funds.designatedFund()), AccountKind.FUND, refunded.designatedPence()));
        }
        if (refunded.overflowPence() > 0) {
            postings.add(new Posting(Accounts.fund(slug, funds.overflowFund()), AccountKind.FUND, refunded.overflowPence()));
        }
        if (refunded.suspensePence() > 0) {
            postings.add(new Posting(Accounts.partialCharges(slug), AccountKind.SUSPENSE, refunded.suspensePence()));
        }
        if (fromReceivable > 0) {
            postings.add(new Posting(Accounts.receivable(slug, part.network()), AccountKind.RECEIVABLE, -fromReceivable));
        }
        if (part.settled().totalPence() > 0) {
            postings.add(new Posting(Accounts.cash(slug), AccountKind.CASH, -part.settled().totalPence()));
        }
        return postings;
    }

    private static List<Refund> insert(Connection connection, String slug, List<Request> requests, List<long[]> recoveredByRequest, Refund.Source source,
                                       String by, Instant now) throws SQLException {
        long[] ids = Sequences.reserve(connection, "refund_id_seq", requests.size());
        List<Refund> refunds = new ArrayList<>(requests.size());
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into refund (id, part_id, donation_id, appeal_slug, network, source, amount_pence, designated_pence, overflow_pence,"
                        + " suspense_pence, from_settled_pence, recovered_designated, recovered_overflow, import_id, line_no, requested_by, reason,"
                        + " journal_key, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < requests.size(); i++) {
                Request request = requests.get(i);
                PartFacts part = request.part();
                FundSplit refunded = part.refundable();
                String key = "refund:part:" + part.partId();
                insert.setLong(1, ids[i]);
                insert.setLong(2, part.partId());
                insert.setLong(3, part.donationId());
                insert.setString(4, slug);
                insert.setString(5, part.network());
                insert.setString(6, source.name());
                insert.setLong(7, refunded.totalPence());
                insert.setLong(8, refunded.designatedPence());
                insert.setLong(9, refunded.overflowPence());
                insert.setLong(10, refunded.suspensePence());
                insert.setLong(11, part.settled().totalPence());
                insert.setLong(12, recoveredByRequest.get(i)[0]);
                insert.setLong(13, recoveredByRequest.get(i)[1]);
                insert.setObject(14, request.importId());
                insert.setObject(15, request.lineNo());
                insert.setString(16, by);
                insert.setString(17, request.reason());
                insert.setString(18, key);
                insert.setTimestamp(19, Timestamp.from(now));
                insert.addBatch();
                refunds.add(new Refund(ids[i], part.donationId(), part.partId(), source, refunded.totalPence(), refunded, part.settled().totalPence(), key));
            }
            insert.executeBatch();
        }
        return refunds;
    }
}
