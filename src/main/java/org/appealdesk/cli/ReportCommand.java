package org.appealdesk.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.appealdesk.settle.AppealReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `./appealdesk report --appeal SLUG`: the "100% reached the charity" report. Exits 0 when, for
 * every fund, paid + reserved + outstanding + refunded == charged; otherwise prints the difference
 * and the journals that cause it, and exits 1.
 */
@Command(name = "report", description = "Prove where every pound charged for an appeal is: paid, reserved, outstanding or refunded.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--appeal", required = true)
    String appeal;

    @Option(names = "--json", description = "print the JSON the HTTP API serves")
    boolean json;

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public Integer call() throws Exception {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            AppealReport report = SettleCommand.settlement(opened).reports.report(appeal)
                    .orElseThrow(() -> new IllegalArgumentException("no appeal called '" + appeal + "'"));
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report.toJson()));
            } else {
                print(report, System.out);
            }
            return report.identityHolds() ? 0 : 1;
        }
    }

    static void print(AppealReport report, PrintStream out) {
        out.println("Appeal " + report.appealSlug() + ", as of " + report.asOf());
        for (AppealReport.FundReport fund : report.funds()) {
            out.println();
            out.println("Fund " + fund.fund() + (fund.designated() ? " (designated)" : " (overflow)"));
            row(out, "charged", fund.chargedPence());
            row(out, "refunded (donors " + Pounds.format(fund.refundedToDonorsPence()) + ", written off " + Pounds.format(fund.writtenOffPence()) + ")",
                    fund.refundedPence());
            row(out, "settled by the networks", fund.settledPence());
            row(out, "outstanding", fund.outstandingPence());
            row(out, "  owed by the networks", fund.unsettledPence());
            row(out, "  settled, awaiting payout", fund.heldPence());
            if (fund.recoverablePence() != 0) {
                row(out, "  recoverable from the charity", -fund.recoverablePence());
            }
            row(out, "reserved for a payout", fund.reservedPence());
            row(out, "paid to the charity", fund.paidPence());
            if (fund.identityHolds()) {
                out.println("  paid + reserved + outstanding + refunded == charged: holds");
            } else {
                out.println("  paid + reserved + outstanding + refunded == charged: FAILS by " + Pounds.format(fund.differencePence()));
                if (fund.unsettledFromChargesPence() != fund.unsettledPence()) {
                    out.println("  owed by the networks per the charges: " + Pounds.format(fund.unsettledFromChargesPence()) + ", per the ledger: "
                            + Pounds.format(fund.unsettledPence()));
                }
                fund.journalsCausingDifference().forEach(journal -> out.println("    " + journal));
            }
        }
        out.println();
        out.println("Owed by the networks, by month of charge:");
        if (report.outstanding().isEmpty()) {
            out.println("  nothing");
        }
        for (AppealReport.Outstanding owed : report.outstanding()) {
            out.printf("  %-10s %s  %-20s %-12s %,8d charges  %14s%n", owed.network(), owed.month(), owed.fund(), owed.age(), owed.charges(), Pounds.format(owed.pence()));
        }
        for (AppealReport.NetworkSettled network : report.settledByNetwork()) {
            out.printf("Settled by %s: %,d charges, %s (written off %s)%n", network.network(), network.parts(), Pounds.format(network.settledPence()),
                    Pounds.format(network.writtenOffPence()));
        }
        out.println("Not the charity's: charged for failed donations " + Pounds.format(report.suspense().partialChargesPence()) + " (to refund; "
                + Pounds.format(report.suspense().partialChargesOutstandingPence()) + " not yet settled), paid for no gift here "
                + Pounds.format(report.suspense().unmatchedSettlementPence()));
        out.println("Cash held: " + Pounds.format(report.cashPence()));
        out.println(report.identityHolds() ? "report: every pound charged is paid, reserved, outstanding or refunded" : "report: FAILED");
    }

    private static void row(PrintStream out, String label, long pence) {
        out.printf("  %-60s %16s%n", label, Pounds.format(pence));
    }
}
