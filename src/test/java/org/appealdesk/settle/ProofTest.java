package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.ledger.Posting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checks are real: tampering is caught by verify and by the report, a failed import leaves nothing, a refund cannot happen twice. */
class ProofTest {

    private static final Instant MARCH = Instant.parse("2026-03-10T12:00:00Z");
    private static final Period PERIOD = Period.parse("2026-03");
    private SettleKit kit;

    @BeforeEach
    void start() throws Exception {
        kit = new SettleKit(1_000, MARCH);
        kit.give(1, "SUN10", "ee");
        kit.give(2, "SUN5", "ee");
        kit.importReport("ee", PERIOD, List.of(SettleKit.line(kit.chargesOfDonation(kit.lastDonationId() - 1).getFirst())));
        kit.settle.payouts.prepare(SettleKit.SLUG, "erin");
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    private List<String> failedChecks() {
        return kit.core.verifier.verify().checks().stream().filter(check -> !check.passed()).map(LedgerVerifier.CheckResult::name).toList();
    }

    @Test
    void aJournalThatLeaksMoneyIsNamedByTheReportAndCaughtByVerify() {
        // Proves: a hand-made journal taking money from a fund to cash breaks the 100% identity, the report names that journal,
        // and verify flags the fund money that no longer matches the charges.
        kit.assertVerified();
        kit.database.inTransactionVoid(connection -> {
            Ledger.AppealBatch batch = kit.core.ledger.openBatch(connection, SettleKit.SLUG);
            batch.post(List.of(new Journal(SettleKit.SLUG, JournalKind.ADJUSTMENT, "tamper:1", null, List.of(
                    new Posting(Accounts.fund(SettleKit.SLUG, SettleKit.DESIGNATED), AccountKind.FUND, 123),
                    new Posting(Accounts.cash(SettleKit.SLUG), AccountKind.CASH, -123)), "not a real journal")), List.of(0L), kit.clock.instant());
            batch.close();
        });
        AppealReport.FundReport fund = kit.fund(SettleKit.DESIGNATED);
        assertThat(fund.identityHolds()).isFalse();
        assertThat(fund.differencePence()).isEqualTo(123);
        assertThat(fund.journalsCausingDifference()).singleElement().asString().contains("tamper:1").contains("123");
        assertThat(failedChecks()).contains("unsettled fund money and receivables equal the booked charges not yet settled, written off or refunded");
    }

    @Test
    void recordsThatDisagreeWithTheLedgerAreCaught() {
        // Proves: a payout row without its journals, and a settled amount edited behind the ledger's back, each fail verify.
        kit.assertVerified();
        kit.database.inTransactionVoid(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute("insert into payout (id, appeal_slug, fund_slug, amount_pence, state, prepared_by, prepared_at)"
                        + " values (999, 'sun-ukraine', 'disaster-fund', 100, 'RESERVED', 'mallory', now())");
                sql.execute("update part_settlement set settled_pence = settled_pence - 1, designated_pence = designated_pence - 1");
            }
        });
        assertThat(failedChecks()).contains("every payout has one reservation, and is paid or released exactly when its state says so",
                "settlement, refund, payout and decision journals equal their records, account by account");
    }

    @Test
    void aFailedImportLeavesNothingBehindAndCanBeRunAgain() {
        // Proves: an import that fails after its lines were stored and its charges settled rolls back whole (one transaction),
        // and the same file then imports cleanly.
        long donation = kit.lastDonationId();
        java.nio.file.Path file = kit.report(List.of(SettleKit.line(kit.chargesOfDonation(donation).getFirst())));
        long lines = kit.count("select count(*) from settlement_line");
        long journals = kit.count("select count(*) from journal");
        ImportProgress crashing = new ImportProgress() {
            @Override
            public void reading(long bytesRead, long bytesTotal, long linesRead) {
            }

            @Override
            public void phase(String description) {
                if (description.startsWith("booking")) {
                    throw new IllegalStateException("the machine lost power");
                }
            }
        };
        assertThatThrownBy(() -> kit.settle.importer.importFile(new ImportRequest(file, "ee", PERIOD, "test"), crashing)).hasMessageContaining("power");
        assertThat(kit.count("select count(*) from settlement_line")).isEqualTo(lines);
        assertThat(kit.count("select count(*) from journal")).isEqualTo(journals);
        assertThat(kit.count("select count(*) from settlement_import")).isEqualTo(1);
        assertThat(kit.settle.importer.importFile(new ImportRequest(file, "ee", PERIOD, "test"), ImportProgress.SILENT)).isInstanceOf(ImportResult.Imported.class);
        kit.assertVerified();
    }

    @Test
    void concurrentRefundsOfOneDonationRefundItOnce() throws Exception {
        // Proves: eight staff refunding the same donation at once give the donor their money back exactly once.
        long donation = kit.lastDonationId();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Refunds.Outcome>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> kit.settle.refunds.refundDonation(donation, "staff", "double click"));
            }
            long refunded = 0;
            for (Future<Refunds.Outcome> outcome : pool.invokeAll(tasks)) {
                refunded += outcome.get() instanceof Refunds.Outcome.Refunded ? 1 : 0;
            }
            assertThat(refunded).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(kit.count("select count(*) from refund where donation_id = " + donation)).isEqualTo(1);
        kit.assertIdentity();
        kit.assertVerified();
    }
}
