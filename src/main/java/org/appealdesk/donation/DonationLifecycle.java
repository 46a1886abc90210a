package org.appealdesk.donation;

import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.Money;

/**
 * The one transition function of the donation lifecycle: pure, so every path is tested without a
 * database, and the caller persists the result as a compare-and-set on the old state.
 *
 * <p>A donation's state follows from its parts: charged when every part is charged, failed as soon
 * as one is declined, unknown when some part went unanswered and none is still awaited. Money
 * effects come out as values: the ledger booking happens exactly when the donation first becomes
 * charged, and a part charged for a failed donation is booked separately so no pound goes unseen.
 */
public final class DonationLifecycle {

    /** A donation as far as the lifecycle cares. */
    public record Snapshot(DonationState state, List<ChargePart> parts) {
        public Snapshot {
            parts = List.copyOf(parts);
        }

        public Money total() {
            Money total = Money.ZERO;
            for (ChargePart part : parts) {
                total = total.plus(part.amount());
            }
            return total;
        }
    }

    /** Something to do because of a transition, in the same transaction. */
    public sealed interface Effect {
        /** Book the whole donation as charged (idempotent per donation). */
        record BookCharge(Money amount) implements Effect {
        }

        /** Book one part that was charged although the donation failed (for refund). */
        record BookPartialCharge(int partNo, Money amount) implements Effect {
        }

        /** Send the free thank-you with the Gift Aid link. */
        record ThankDonor() implements Effect {
        }

        /** Send the free "you were not charged" text with another way to give. */
        record TellDonorNotCharged(String reason) implements Effect {
        }
    }

    /** The outcome of applying one event: a move (with effects) or an event that changes nothing. */
    public sealed interface Step {
        record Moved(Snapshot next, List<Effect> effects) implements Step {
        }

        record Ignored(String why) implements Step {
        }
    }

    /** The reason stored when a part is never reported on within its lifetime. */
    public static final String EXPIRED_REASON = "NO_REPORT_EXPIRED";

    private DonationLifecycle() {
    }

    public static Step apply(Snapshot current, PartEvent event) {
        if (current.state() instanceof DonationState.Rejected) {
            return new Step.Ignored("a rejected donation has no charge parts");
        }
        int index = event.partNo() - 1;
        if (index < 0 || index >= current.parts().size()) {
            return new Step.Ignored("no part " + event.partNo() + " among " + current.parts().size());
        }
        ChargePart part = current.parts().get(index);
        ChargePart moved = movePart(part, event);
        if (moved == null) {
            return new Step.Ignored("part " + event.partNo() + " is " + part.state() + "; " + event.getClass().getSimpleName() + " does not apply");
        }
        List<ChargePart> parts = new ArrayList<>(current.parts());
        parts.set(index, moved);
        DonationState nextState = stateOf(current.state(), parts);
        return new Step.Moved(new Snapshot(nextState, parts), effects(current.state(), nextState, part, moved, parts));
    }

    /** The part after the event, or null when the event does not apply to a part in that state. */
    private static ChargePart movePart(ChargePart part, PartEvent event) {
        if (part.state().isFinal()) {
            return null;
        }
        return switch (event) {
            case PartEvent.Submitted s -> part.state() == PartState.PENDING ? part.moveTo(PartState.SUBMITTED, null, false) : null;
            case PartEvent.Charged c -> part.moveTo(PartState.CHARGED, null, false);
            case PartEvent.Declined d -> part.moveTo(PartState.DECLINED, d.reason(), d.permanent());
            case PartEvent.Unanswered u -> part.state() == PartState.UNKNOWN ? null : part.moveTo(PartState.UNKNOWN, null, false);
            case PartEvent.Expired e -> part.moveTo(PartState.DECLINED, EXPIRED_REASON, true);
        };
    }

    /** The donation state that follows from its parts; a failed donation stays failed. */
    static DonationState stateOf(DonationState previous, List<ChargePart> parts) {
        if (previous instanceof DonationState.Failed failed) {
            return failed;
        }
        boolean allCharged = true;
        boolean anyAwaited = false;
        boolean anyUnknown = false;
        for (ChargePart part : parts) {
            switch (part.state()) {
                case DECLINED -> {
                    return new DonationState.Failed(part.reason(), part.permanent());
                }
                case CHARGED -> {
                }
                case PENDING, SUBMITTED -> {
                    allCharged = false;
                    anyAwaited = true;
                }
                case UNKNOWN -> {
                    allCharged = false;
                    anyUnknown = true;
                }
            }
        }
        if (allCharged) {
            return new DonationState.Charged();
        }
        return anyUnknown && !anyAwaited ? new DonationState.Unknown() : new DonationState.Charging();
    }

    private static List<Effect> effects(DonationState before, DonationState after, ChargePart partBefore, ChargePart partAfter, List<ChargePart> parts) {
        List<Effect> effects = new ArrayList<>(2);
        boolean becameFailed = after instanceof DonationState.Failed && !(before instanceof DonationState.Failed);
        if (after instanceof DonationState.Charged && !(before instanceof DonationState.Charged)) {
            Money total = Money.ZERO;
            for (ChargePart part : parts) {
                total = total.plus(part.amount());
            }
            effects.add(new Effect.BookCharge(total));
            effects.add(new Effect.ThankDonor());
        } else if (becameFailed) {
            DonationState.Failed failed = (DonationState.Failed) after;
            for (ChargePart part : parts) {
                if (part.state() == PartState.CHARGED) {
                    effects.add(new Effect.BookPartialCharge(part.partNo(), part.amount()));
                }
            }
            effects.add(new Effect.TellDonorNotCharged(failed.reason()));
        } else if (after instanceof DonationState.Failed && partAfter.state() == PartState.CHARGED && partBefore.state() != PartState.CHARGED) {
            effects.add(new Effect.BookPartialCharge(partAfter.partNo(), partAfter.amount()));
        }
        return effects;
    }
}
