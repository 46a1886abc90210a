package org.appealdesk.settle;

import java.util.ArrayList;
import java.util.List;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Posting;

/** The journals settlement writes, built in one place so imports and staff decisions book alike. */
final class SettlementJournals {

    private SettlementJournals() {
    }

    /**
     * A network paid {@code split}: receivable to cash; the charity's share moves from its fund
     * (charged, awaiting the network) to its payable (settled, awaiting payout). Suspense money (a
     * part charged for a failed donation) stays a suspense liability: only the cash moves.
     */
    static Journal settlement(AppealFunds funds, String network, FundSplit split, String key, String memo) {
        String slug = funds.appealSlug();
        List<Posting> postings = new ArrayList<>(6);
        postings.add(new Posting(Accounts.cash(slug), AccountKind.CASH, split.totalPence()));
        postings.add(new Posting(Accounts.receivable(slug, network), AccountKind.RECEIVABLE, -split.totalPence()));
        moveToPayable(postings, slug, funds.designatedFund(), split.designatedPence());
        moveToPayable(postings, slug, funds.overflowFund(), split.overflowPence());
        return new Journal(slug, JournalKind.SETTLEMENT, key, null, postings, memo);
    }

    private static void moveToPayable(List<Posting> postings, String slug, String fund, long pence) {
        if (pence > 0) {
            postings.add(new Posting(Accounts.fund(slug, fund), AccountKind.FUND, pence));
            postings.add(new Posting(Accounts.payable(slug, fund), AccountKind.PAYABLE, -pence));
        }
    }

    /**
     * Staff decided the network will never pay {@code split} of a part: it leaves the funds (or
     * suspense) and the receivable. A REFUND journal, because for the charity it is the same: money
     * counted once that will not reach it, so the totals fall.
     */
    static Journal writeOff(AppealFunds funds, String network, FundSplit split, long donationId, String key, String memo) {
        String slug = funds.appealSlug();
        List<Posting> postings = new ArrayList<>(4);
        if (split.designatedPence() > 0) {
            postings.add(new Posting(Accounts.fund(slug, funds.designatedFund()), AccountKind.FUND, split.designatedPence()));
        }
        if (split.overflowPence() > 0) {
            postings.add(new Posting(Accounts.fund(slug, funds.overflowFund()), AccountKind.FUND, split.overflowPence()));
        }
        if (split.suspensePence() > 0) {
            postings.add(new Posting(Accounts.partialCharges(slug), AccountKind.SUSPENSE, split.suspensePence()));
        }
        postings.add(new Posting(Accounts.receivable(slug, network), AccountKind.RECEIVABLE, -split.totalPence()));
        return new Journal(slug, JournalKind.REFUND, key, donationId, postings, memo);
    }

    /** The network paid money that belongs to no gift here: it waits in suspense for a decision. */
    static Journal toSuspense(String appealSlug, long pence, String key, String memo) {
        return new Journal(appealSlug, JournalKind.ADJUSTMENT, key, null, List.of(
                new Posting(Accounts.cash(appealSlug), AccountKind.CASH, pence),
                new Posting(Accounts.unmatchedSettlement(appealSlug), AccountKind.SUSPENSE, -pence)), memo);
    }
}
