package org.appealdesk.settle;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.platform.Database;

/**
 * Staff refunds: a donation's money goes back to the donor (the aggregator refunds the phone bill,
 * or the charity pays the donor back), recorded with who and why. Every charged part the donation
 * still holds is refunded once ({@link RefundBooking}); refunding again finds nothing to do.
 */
public final class Refunds {

    /** Longest reason or name kept with a refund. */
    public static final int TEXT_CHARS_MAX = 500;

    /** What a refund request came to. */
    public sealed interface Outcome {
        record Refunded(long donationId, List<Refund> refunds) implements Outcome {
            public Refunded {
                refunds = List.copyOf(refunds);
            }

            public long amountPence() {
                return refunds.stream().mapToLong(Refund::amountPence).sum();
            }
        }

        record NothingToRefund(long donationId, String why) implements Outcome {
        }

        record NoSuchDonation(long donationId) implements Outcome {
        }
    }

    private final Database database;
    private final Ledger ledger;
    private final InstantSource clock;

    public Refunds(Database database, Ledger ledger, InstantSource clock) {
        this.database = database;
        this.ledger = ledger;
        this.clock = clock;
    }

    public Outcome refundDonation(long donationId, String by, String reason) {
        String who = requireText(by, "who");
        String why = requireText(reason, "reason");
        return database.inTransaction(connection -> {
            SettlementLock.acquire(connection);
            List<PartFacts> parts = PartFacts.ofDonation(connection, donationId);
            if (parts.isEmpty()) {
                return donationExists(connection, donationId)
                        ? new Outcome.NothingToRefund(donationId, "the donation has no charge parts (it was never sent for charging)")
                        : new Outcome.NoSuchDonation(donationId);
            }
            List<PartFacts> refundable = parts.stream().filter(part -> part.refundable().totalPence() > 0).toList();
            if (refundable.isEmpty()) {
                boolean anyBooked = parts.stream().anyMatch(PartFacts::booked);
                return new Outcome.NothingToRefund(donationId, anyBooked ? "already refunded (or written off)"
                        : "nothing charged to refund: the donation is " + parts.getFirst().donationState());
            }
            Instant now = clock.instant();
            String slug = parts.getFirst().appealSlug();
            AppealFunds funds = AppealFunds.require(connection, slug);
            Ledger.AppealBatch batch = ledger.openBatch(connection, slug);
            List<RefundBooking.Request> requests = refundable.stream().map(part -> new RefundBooking.Request(part, null, null, why)).toList();
            List<Refund> refunds = RefundBooking.book(connection, batch, funds, requests, Refund.Source.STAFF, who, now);
            batch.close();
            return new Outcome.Refunded(donationId, refunds);
        });
    }

    private static boolean donationExists(java.sql.Connection connection, long donationId) throws java.sql.SQLException {
        try (var select = connection.prepareStatement("select 1 from donation where id = ?")) {
            select.setLong(1, donationId);
            try (var row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        String text = value.strip();
        if (text.length() > TEXT_CHARS_MAX) {
            throw new IllegalArgumentException(name + " is longer than " + TEXT_CHARS_MAX + " characters");
        }
        return text;
    }
}
