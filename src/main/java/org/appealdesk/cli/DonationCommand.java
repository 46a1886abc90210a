package org.appealdesk.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.concurrent.Callable;
import org.appealdesk.settle.DonationHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `./appealdesk donation ID`: one donation's history (parts, journals, report lines, settlement, refunds); never a phone number. */
@Command(name = "donation", description = "Show one donation's history: charge parts, journals, settlement and refunds.")
final class DonationCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID")
    long donationId;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public Integer call() throws Exception {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            DonationHistory history = SettleCommand.settlement(opened).history(donationId).orElse(null);
            if (history == null) {
                System.err.println("appealdesk: no donation " + donationId);
                return 1;
            }
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(history.toJson()));
                return 0;
            }
            System.out.println("Donation " + donationId + ": " + Pounds.format(history.amountPence()) + " to " + history.appealSlug() + " by " + history.channel()
                    + (history.network() == null ? "" : " on " + history.network()) + ", " + history.state()
                    + (history.refundedPence() > 0 ? ", refunded " + Pounds.format(history.refundedPence()) : ""));
            for (DonationHistory.Event event : history.events()) {
                System.out.printf("  %s  %-26s %s%n", event.at(), event.kind(), event.detail());
            }
            return 0;
        }
    }
}
