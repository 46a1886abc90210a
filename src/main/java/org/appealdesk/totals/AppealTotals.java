package org.appealdesk.totals;

import java.time.Instant;
import java.util.Map;

/**
 * What an appeal has raised, derived from the ledger: charged money only (never pledged), per
 * fund, with the count of gifts; and, from the donations, how many are still pending or unknown.
 *
 * @param chargedPence  sum of CHARGE journals to the appeal's funds, less REFUND journals
 * @param donationCount CHARGE journals counted
 * @param fundPence     fund slug to pence
 * @param lastJournalId the ledger position these figures include
 */
public record AppealTotals(String appealSlug, long chargedPence, long donationCount, Map<String, Long> fundPence,
                           long pendingCount, long unknownCount, long failedCount, long rejectedCount,
                           long lastJournalId, Instant asOf) {
    public AppealTotals {
        fundPence = Map.copyOf(fundPence);
    }
}
