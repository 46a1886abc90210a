package org.appealdesk.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import org.appealdesk.settle.Payouts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `./appealdesk payout ...`: paying the charity, in two steps: prepare (reserve each fund's settled
 * money), then confirm with the bank's reference, or void.
 */
@Command(name = "payout", description = "Pay the charity its settled money: prepare, then confirm or void; list; remittance advice.")
final class PayoutCommand implements Runnable {

    private final PrintStream out = System.out;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(out);
    }

    @Command(name = "prepare", description = "Reserve, per fund, the settled money not yet paid or reserved.")
    int prepare(@Option(names = "--appeal", required = true) String appeal,
                @Option(names = "--by", description = "who prepares (default: your user name)") String by,
                @Mixin DatabaseOptions databaseOptions) {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            List<Payouts.FundOutcome> outcomes = SettleCommand.settlement(opened).payouts.prepare(appeal, by == null ? DatabaseOptions.defaultUser() : by);
            for (Payouts.FundOutcome outcome : outcomes) {
                switch (outcome) {
                    case Payouts.FundOutcome.Reserved reserved -> {
                        Payouts.Payout payout = reserved.payout();
                        out.println("Payout " + payout.id() + ": " + Pounds.format(payout.amountPence()) + " from fund " + payout.fundSlug() + " reserved"
                                + (payout.nettedPence() > 0 ? " (" + Pounds.format(payout.nettedPence()) + " recoverable from the charity kept back)" : "")
                                + ". Pay it, then: ./appealdesk payout confirm " + payout.id() + " --reference BANKREF");
                    }
                    case Payouts.FundOutcome.NothingToPay nothing -> out.println("Fund " + nothing.fundSlug() + ": nothing to pay: " + nothing.why());
                }
            }
            return 0;
        }
    }

    @Command(name = "confirm", description = "The bank paid it: record the reference; the reserved money leaves cash.")
    int confirm(@Parameters(paramLabel = "ID") long id,
                @Option(names = "--reference", required = true, description = "the bank's payment reference") String reference,
                @Option(names = "--by", description = "who confirms (default: your user name)") String by,
                @Mixin DatabaseOptions databaseOptions) {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            return print(SettleCommand.settlement(opened).payouts.confirm(id, reference, by == null ? DatabaseOptions.defaultUser() : by));
        }
    }

    @Command(name = "void", description = "Not paid after all: release the reserved money back to the charity payable.")
    int voidPayout(@Parameters(paramLabel = "ID") long id,
                   @Option(names = "--reason", required = true) String reason,
                   @Option(names = "--by", description = "who voids (default: your user name)") String by,
                   @Mixin DatabaseOptions databaseOptions) {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            return print(SettleCommand.settlement(opened).payouts.voidPayout(id, by == null ? DatabaseOptions.defaultUser() : by, reason));
        }
    }

    private int print(Payouts.ChangeOutcome outcome) {
        return switch (outcome) {
            case Payouts.ChangeOutcome.Changed changed -> {
                out.println(describe(changed.payout()));
                yield 0;
            }
            case Payouts.ChangeOutcome.AlreadyDone done -> {
                out.println("Already done, nothing changed: " + describe(done.payout()));
                yield 0;
            }
            case Payouts.ChangeOutcome.Refused refused -> {
                System.err.println("appealdesk: refused: " + refused.why());
                yield 1;
            }
        };
    }

    @Command(name = "list", description = "Every payout, with its state.")
    int list(@Option(names = "--appeal", description = "only this appeal") String appeal, @Mixin DatabaseOptions databaseOptions) {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            List<Payouts.Payout> payouts = SettleCommand.settlement(opened).payouts.list(appeal);
            if (payouts.isEmpty()) {
                out.println("No payouts.");
            }
            payouts.forEach(payout -> out.println(describe(payout)));
            return 0;
        }
    }

    @Command(name = "remittance", description = "The remittance advice for the charity as CSV: per fund, network and month, gross, refunded, settled, paid.")
    int remittance(@Option(names = "--appeal", required = true) String appeal,
                   @Option(names = "--out", description = "file to write (default: standard output)") Path file,
                   @Mixin DatabaseOptions databaseOptions) {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            Writer writer = SettleCommand.writer(file);
            try {
                long rows = SettleCommand.settlement(opened).remittance.write(appeal, writer);
                writer.flush();
                if (file != null) {
                    out.printf("Wrote %,d rows to %s%n", rows, file);
                }
            } finally {
                if (file != null) {
                    writer.close();
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Payouts.Payout payout) {
        return "Payout " + payout.id() + " " + payout.appealSlug() + "/" + payout.fundSlug() + " " + Pounds.format(payout.amountPence()) + " " + payout.state()
                + (payout.nettedPence() > 0 ? " (kept back " + Pounds.format(payout.nettedPence()) + ")" : "")
                + ", prepared by " + payout.preparedBy() + " at " + payout.preparedAt()
                + (payout.bankReference() == null ? "" : ", paid (" + payout.bankReference() + ") confirmed by " + payout.confirmedBy() + " at " + payout.confirmedAt())
                + (payout.voidedBy() == null ? "" : ", void by " + payout.voidedBy() + ": " + payout.voidReason());
    }
}
