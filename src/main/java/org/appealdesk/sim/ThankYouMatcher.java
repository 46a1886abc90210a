package org.appealdesk.sim;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.appealdesk.platform.PhoneNumber;

/**
 * Times each donor's text to the thank-you it earned, for the load benchmark's "text to
 * thank-you" latency. The simulator sees three things about a gift and must join them per donor:
 * when the donor's text was due ({@link #textDue}), the billed submits that charge it
 * ({@link #firstChargeAttempt}), and the free messages sent back
 * ({@link #freeMessage}). Nothing on the wire links a charge or a thank-you to the text that caused
 * it, so the join is by donor, in order:
 * <ul>
 *   <li>a billed submit is given to the donor's oldest open gift it fits: first a split gift already
 *       part-submitted, then a gift of exactly that price, then a larger gift (the first part of a
 *       split). A text the platform never charges (over the daily cap, say) simply stays open;</li>
 *   <li>a gift whose parts are all billed waits for thanks; the donor's next free message is taken
 *       as the thank-you of their oldest such gift, and its latency goes to the gift's run.</li>
 * </ul>
 *
 * <p>Hazard: the join is a heuristic. A free reply to another text from the same donor (HELP, a
 * cap refusal) arriving while a billed gift awaits thanks is taken as that thank-you; the real one
 * then finds nothing and is counted in {@link ThankYouTally#freeMessagesUnmatched}. With the reference mix
 * a donor texts seconds apart and thanks follow within milliseconds, so this is rare; the tally
 * says how rare. Everything is bounded: a donor's open gifts ({@link #OPEN_GIFTS_PER_DONOR_MAX},
 * oldest forgotten first) and the donors followed ({@link #DONORS_MAX}).
 */
final class ThankYouMatcher {

    /**
     * Open gifts, and billed gifts awaiting thanks, remembered per donor; past this the oldest is
     * forgotten (a text never charged, or a gift never thanked, most likely).
     */
    static final int OPEN_GIFTS_PER_DONOR_MAX = 32;
    /** Donors followed; past this new donors' gifts are not timed (and counted as forgotten). */
    static final int DONORS_MAX = GroundTruth.DONORS_MAX;

    /** One donation text and the charges seen for it so far. */
    private static final class Gift {
        final LongConsumer thanked;
        final long dueNanos;
        final long pence;
        long submittedPence;
        boolean declined;

        Gift(LongConsumer thanked, long dueNanos, long pence) {
            this.thanked = thanked;
            this.dueNanos = dueNanos;
            this.pence = pence;
        }
    }

    /** A donor with gifts in flight; dropped once both queues are empty, so only those donors cost memory. */
    private static final class DonorGifts {
        final ArrayDeque<Gift> open = new ArrayDeque<>(2);
        final ArrayDeque<Gift> awaitingThanks = new ArrayDeque<>(2);

        boolean isEmpty() {
            return open.isEmpty() && awaitingThanks.isEmpty();
        }
    }

    private final Map<PhoneNumber, DonorGifts> donors = new HashMap<>();
    private long thankYous;
    private long chargesUnmatched;
    private long giftsForgotten;
    private long freeMessagesUnmatched;
    private long giftsDeclined;

    /**
     * A donation text left the generator; {@code dueNanos} is when the donor pressed send (the
     * schedule). {@code thanked} receives the latency, in nanoseconds, when its thank-you arrives.
     */
    synchronized void textDue(LongConsumer thanked, TextMessage text, long dueNanos) {
        if (!text.template().intent().isDonation()) {
            return;
        }
        DonorGifts gifts = gifts(text.donor());
        if (gifts == null) {
            giftsForgotten++;
            return;
        }
        if (gifts.open.size() >= OPEN_GIFTS_PER_DONOR_MAX) {
            gifts.open.removeFirst();
            giftsForgotten++;
        }
        gifts.open.addLast(new Gift(thanked, dueNanos, text.template().expectedPence()));
    }

    /**
     * The first attempt at a billed request id and whether it billed the donor (a resubmit of the
     * same id is the same charge, so only the first attempt is joined to a gift).
     */
    synchronized void firstChargeAttempt(PhoneNumber donor, long pence, boolean billed) {
        DonorGifts gifts = donors.get(donor);
        Gift gift = gifts == null ? null : fit(gifts, pence);
        if (gift == null) {
            chargesUnmatched++;
            return;
        }
        gift.submittedPence += pence;
        if (!billed && !gift.declined) {
            // A gift with any part not billed earns no thank-you; it stays open until its other parts are seen.
            gift.declined = true;
            giftsDeclined++;
        }
        if (gift.submittedPence == gift.pence) {
            gifts.open.remove(gift);
            if (gift.declined) {
                forgetIfDone(donor, gifts);
            } else {
                if (gifts.awaitingThanks.size() >= OPEN_GIFTS_PER_DONOR_MAX) {
                    gifts.awaitingThanks.removeFirst(); // never thanked (a donor who said STOP, say)
                    giftsForgotten++;
                }
                gifts.awaitingThanks.addLast(gift);
            }
        }
    }

    /** A free message reached the donor at {@code nowNanos}; if a billed gift awaits thanks, this is it. */
    synchronized void freeMessage(PhoneNumber donor, long nowNanos) {
        DonorGifts gifts = donors.get(donor);
        Gift gift = gifts == null ? null : gifts.awaitingThanks.pollFirst();
        if (gift == null) {
            freeMessagesUnmatched++;
            return;
        }
        thankYous++;
        forgetIfDone(donor, gifts);
        gift.thanked.accept(nowNanos - gift.dueNanos);
    }

    synchronized ThankYouTally tally() {
        return new ThankYouTally(thankYous, chargesUnmatched, giftsForgotten, freeMessagesUnmatched, giftsDeclined);
    }

    synchronized long thankYous() {
        return thankYous;
    }

    private static Gift fit(DonorGifts gifts, long pence) {
        Gift exact = null;
        Gift larger = null;
        for (Gift gift : gifts.open) {
            if (gift.submittedPence > 0 && gift.submittedPence + pence <= gift.pence) {
                return gift; // the next part of a split gift
            }
            if (gift.submittedPence == 0 && exact == null && gift.pence == pence) {
                exact = gift;
            } else if (gift.submittedPence == 0 && larger == null && gift.pence > pence) {
                larger = gift;
            }
        }
        return exact != null ? exact : larger;
    }

    private void forgetIfDone(PhoneNumber donor, DonorGifts gifts) {
        if (gifts.isEmpty()) {
            donors.remove(donor);
        }
    }

    private DonorGifts gifts(PhoneNumber donor) {
        DonorGifts gifts = donors.get(donor);
        if (gifts == null) {
            if (donors.size() >= DONORS_MAX) {
                return null;
            }
            gifts = new DonorGifts();
            donors.put(donor, gifts);
        }
        return gifts;
    }
}
