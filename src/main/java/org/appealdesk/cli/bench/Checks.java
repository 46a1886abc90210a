package org.appealdesk.cli.bench;

import java.util.ArrayList;
import java.util.List;
import org.appealdesk.app.Application;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.sim.SimLedger;
import org.appealdesk.sim.TrafficRun;
import org.appealdesk.totals.AppealTotals;

/**
 * What must hold after every bench run, fast or slow: nothing lost, nothing doubled, the books
 * right. A speed figure from a run that fails one of these is worthless, so the command exits
 * non-zero. Details carry counts only, never a phone number.
 */
final class Checks {

    private Checks() {
    }

    static List<RunResult.Check> after(BenchMode mode, SimLedger truth, TrafficRun run, RunResult.Settle settle, Application application,
                                       PostgresProbe probe, Appeal appeal) {
        List<RunResult.Check> checks = new ArrayList<>();
        checks.add(new RunResult.Check("the network and the platform settled, never " + BenchRun.SETTLE_MAX.toSeconds()
                        + " s without what waits shrinking (at most " + BenchRun.SETTLE_BACKLOG_MAX.toMinutes() + " min)",
                settle.settled(), String.format("after %s s; %,d texts waited to be acted on as the window ended", settle.seconds(), settle.textsWaiting())));
        checks.add(new RunResult.Check("the load generator did not fail", !run.endReason().startsWith("failed"), run.endReason()));
        checks.add(new RunResult.Check("the simulator's per-donor and per-charge records did not overflow", !truth.mapsOverflowed(),
                truth.mapsOverflowed() ? "per-donor checks below are incomplete" : "complete"));
        checks.add(new RunResult.Check("every text was acknowledged and none was given up",
                truth.mosPending() == 0 && truth.mosDropped() == 0,
                "generated " + truth.mosGenerated() + ", acknowledged " + truth.mosAcked() + ", pending " + truth.mosPending() + ", dropped " + truth.mosDropped()));
        long recorded = probe.count("select count(*) from inbound_message");
        checks.add(new RunResult.Check("every text was recorded exactly once (inbound_message rows = texts generated)",
                recorded == truth.mosGenerated(), recorded + " rows for " + truth.mosGenerated() + " texts"));
        long pending = probe.count("select count(*) from text_pending");
        checks.add(new RunResult.Check("every recorded text was acted on (no text_pending rows left)", pending == 0, pending + " left"));
        checks.add(new RunResult.Check("no charge request id was billed twice", truth.requestIdsBilledTwice() == 0,
                truth.requestIdsBilledTwice() + " billed twice"));
        int overBilled = truth.donorsBilledMoreThanTexted().size();
        checks.add(new RunResult.Check("no donor was billed more than they texted", overBilled == 0, overBilled + " donors"));
        LedgerVerifier.Report report = application.core.verifier.verify();
        List<String> failed = report.checks().stream().filter(check -> !check.passed())
                .map(check -> check.name() + " (" + check.breaches() + ")").toList();
        checks.add(new RunResult.Check("the ledger verification passes", report.passed(),
                failed.isEmpty() ? report.checks().size() + " rules hold" : String.join("; ", failed)));
        if (mode == BenchMode.FULL) {
            checks.add(totalsEqualLedger(application, probe, appeal));
        }
        return checks;
    }

    /** The live totals read model, brought up to date, shows what the ledger holds. */
    private static RunResult.Check totalsEqualLedger(Application application, PostgresProbe probe, Appeal appeal) {
        application.core.totals.refreshNow();
        AppealTotals totals = application.core.totals.totals(appeal.slug()).orElse(null);
        long journals = probe.count("select count(*) from journal where appeal_slug = ? and kind = 'CHARGE'", appeal.slug());
        long pence = probe.count("select coalesce(-sum(p.amount_pence), 0) from posting p join journal j on j.id = p.journal_id"
                + " join account a on a.id = p.account_id where j.appeal_slug = ? and a.kind = 'FUND' and j.kind in ('CHARGE', 'REFUND')", appeal.slug());
        boolean equal = totals != null && totals.donationCount() == journals && totals.chargedPence() == pence;
        return new RunResult.Check("the live totals equal the ledger", equal,
                totals == null ? "no totals for " + appeal.slug()
                        : "totals " + totals.donationCount() + " gifts / " + totals.chargedPence() + "p, ledger " + journals + " / " + pence + "p");
    }
}
