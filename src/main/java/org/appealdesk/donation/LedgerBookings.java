package org.appealdesk.donation;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.Posting;
import org.appealdesk.platform.Pipeline;

/**
 * Turns the lifecycle's money effects into journals. Charged money goes to the appeal's designated
 * fund until its cap, the rest to the overflow fund; a part charged for a failed donation goes to
 * suspense, to be refunded.
 */
final class LedgerBookings {

    /** A money effect of one donation, waiting for the end of its batch. */
    record Booking(LoadedDonation donation, DonationLifecycle.Effect effect) {
    }

    private final Ledger ledger;

    LedgerBookings(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * Writes the bookings appeal by appeal, in a fixed (sorted) order so two writers never wait on
     * each other's appeal locks in a cycle. Each appeal's lock is held from here to commit. Taking
     * a lock runs the pipeline (what the caller left in it goes first); the journals are left in
     * it for the caller to run.
     *
     * @return when the first appeal's lock was held, by the database server's clock; null when nothing was booked
     */
    Instant book(Pipeline pipeline, List<Booking> bookings, Instant at) throws SQLException {
        Map<String, List<Booking>> byAppeal = new TreeMap<>();
        for (Booking booking : bookings) {
            byAppeal.computeIfAbsent(booking.donation().appeal().slug(), slug -> new ArrayList<>()).add(booking);
        }
        Instant lockedAt = null;
        for (Map.Entry<String, List<Booking>> entry : byAppeal.entrySet()) {
            List<String> keys = entry.getValue().stream().map(LedgerBookings::idempotencyKey).toList();
            Ledger.AppealBatch appealBatch = ledger.openBatch(pipeline, entry.getKey(), keys);
            if (lockedAt == null) {
                lockedAt = appealBatch.lockedAt();
            }
            List<Journal> journals = new ArrayList<>();
            List<Long> designatedDeltas = new ArrayList<>();
            long allocated = appealBatch.designatedAllocatedPence();
            for (int i = 0; i < keys.size(); i++) {
                long designated = journal(entry.getValue().get(i), keys.get(i), allocated, journals);
                designatedDeltas.add(designated);
                allocated += designated;
            }
            appealBatch.post(journals, designatedDeltas, at);
            appealBatch.close();
        }
        return lockedAt;
    }

    /** The key of the booking's journal: a donation's charge is booked once, each part charged for a failed donation once. */
    private static String idempotencyKey(Booking booking) {
        long donationId = booking.donation().id();
        return switch (booking.effect()) {
            case DonationLifecycle.Effect.BookCharge charge -> "charge:donation:" + donationId;
            case DonationLifecycle.Effect.BookPartialCharge partial -> "partial:donation:" + donationId + ":part:" + partial.partNo();
            case DonationLifecycle.Effect.ThankDonor t -> throw new IllegalStateException("a thank-you is not a booking");
            case DonationLifecycle.Effect.TellDonorNotCharged t -> throw new IllegalStateException("a safety-net text is not a booking");
        };
    }

    /** Adds the booking's journal, keyed {@code key} ({@link #idempotencyKey}); returns how much of it went to the designated fund. */
    private static long journal(Booking booking, String key, long designatedAllocated, List<Journal> journals) {
        LoadedDonation donation = booking.donation();
        Appeal appeal = donation.appeal();
        String receivable = Accounts.receivable(appeal.slug(), donation.network());
        return switch (booking.effect()) {
            case DonationLifecycle.Effect.BookCharge charge -> {
                long amount = charge.amount().pence();
                long room = appeal.designated().hasCap() ? Math.max(0, appeal.designated().cap().pence() - designatedAllocated) : amount;
                long designated = Math.min(room, amount);
                long overflow = amount - designated;
                List<Posting> postings = new ArrayList<>(3);
                postings.add(new Posting(receivable, AccountKind.RECEIVABLE, amount));
                if (designated > 0) {
                    postings.add(new Posting(Accounts.fund(appeal.slug(), appeal.designated().slug()), AccountKind.FUND, -designated));
                }
                if (overflow > 0) {
                    postings.add(new Posting(Accounts.fund(appeal.slug(), appeal.overflow().slug()), AccountKind.FUND, -overflow));
                }
                journals.add(new Journal(appeal.slug(), JournalKind.CHARGE, key, donation.id(), postings,
                        "gift " + charge.amount()));
                yield designated;
            }
            case DonationLifecycle.Effect.BookPartialCharge partial -> {
                journals.add(new Journal(appeal.slug(), JournalKind.PARTIAL_CHARGE, key, donation.id(),
                        List.of(new Posting(receivable, AccountKind.RECEIVABLE, partial.amount().pence()),
                                new Posting(Accounts.partialCharges(appeal.slug()), AccountKind.SUSPENSE, -partial.amount().pence())),
                        "part " + partial.partNo() + " charged for a failed donation; to refund"));
                yield 0L;
            }
            case DonationLifecycle.Effect.ThankDonor t -> throw new IllegalStateException("a thank-you is not a booking");
            case DonationLifecycle.Effect.TellDonorNotCharged t -> throw new IllegalStateException("a safety-net text is not a booking");
        };
    }
}
