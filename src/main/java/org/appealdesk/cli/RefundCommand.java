package org.appealdesk.cli;

import java.util.concurrent.Callable;
import org.appealdesk.settle.Refund;
import org.appealdesk.settle.Refunds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `./appealdesk refund DONATION --reason ...`: give a donation's money back to the donor, recorded with who and why. */
@Command(name = "refund", description = "Refund a donation to the donor (every charged part it still holds); the live totals fall at once.")
final class RefundCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DONATION", description = "the donation id (see ./appealdesk donation ID)")
    long donationId;

    @Option(names = "--reason", required = true)
    String reason;

    @Option(names = "--by", description = "who refunds (default: your user name)")
    String by;

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public Integer call() {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            Refunds.Outcome outcome = SettleCommand.settlement(opened).refunds.refundDonation(donationId, by == null ? DatabaseOptions.defaultUser() : by, reason);
            return switch (outcome) {
                case Refunds.Outcome.Refunded refunded -> {
                    for (Refund refund : refunded.refunds()) {
                        System.out.println("Refund " + refund.refundId() + ": part " + refund.partId() + " of donation " + donationId + ", "
                                + Pounds.format(refund.amountPence()) + (refund.fromSettledPence() > 0 ? " (" + Pounds.format(refund.fromSettledPence())
                                + " had been settled: taken back from cash)" : " (not yet settled: the network no longer owes it)"));
                    }
                    System.out.println("Refunded " + Pounds.format(refunded.amountPence()) + ".");
                    yield 0;
                }
                case Refunds.Outcome.NothingToRefund nothing -> {
                    System.err.println("appealdesk: nothing refunded for donation " + donationId + ": " + nothing.why());
                    yield 1;
                }
                case Refunds.Outcome.NoSuchDonation none -> {
                    System.err.println("appealdesk: no donation " + donationId);
                    yield 1;
                }
            };
        }
    }
}
