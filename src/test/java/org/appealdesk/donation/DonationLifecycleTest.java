package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.appealdesk.donation.DonationLifecycle.Effect;
import org.appealdesk.donation.DonationLifecycle.Snapshot;
import org.appealdesk.donation.DonationLifecycle.Step;
import org.appealdesk.platform.Money;
import org.junit.jupiter.api.Test;

class DonationLifecycleTest {

    private static Snapshot charging(Money... parts) {
        List<ChargePart> list = new java.util.ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            list.add(ChargePart.pending(i + 1, parts[i]));
        }
        return new Snapshot(new DonationState.Charging(), list);
    }

    private static Snapshot move(Snapshot snapshot, PartEvent event) {
        Step step = DonationLifecycle.apply(snapshot, event);
        assertThat(step).isInstanceOf(Step.Moved.class);
        return ((Step.Moved) step).next();
    }

    @Test
    void aSinglePartDeliveredBooksTheChargeOnceAndThanksTheDonor() {
        // Proves: submitted then delivered makes the donation charged, with exactly one booking of the full amount and one thank-you.
        Snapshot submitted = move(charging(Money.ofPounds(5)), new PartEvent.Submitted(1));
        Step step = DonationLifecycle.apply(submitted, new PartEvent.Charged(1));
        assertThat(step).isInstanceOf(Step.Moved.class);
        Step.Moved moved = (Step.Moved) step;
        assertThat(moved.next().state()).isEqualTo(new DonationState.Charged());
        assertThat(moved.effects()).containsExactly(new Effect.BookCharge(Money.ofPounds(5)), new Effect.ThankDonor());
        assertThat(DonationLifecycle.apply(moved.next(), new PartEvent.Charged(1))).isInstanceOf(Step.Ignored.class);
    }

    @Test
    void aSplitGiftIsChargedOnlyWhenEveryPartIs() {
        // Proves: a £20 gift in two £10 parts stays charging after one delivery and books £20 only after the second.
        Snapshot one = move(charging(Money.ofPounds(10), Money.ofPounds(10)), new PartEvent.Charged(1));
        assertThat(one.state()).isEqualTo(new DonationState.Charging());
        Step.Moved both = (Step.Moved) DonationLifecycle.apply(one, new PartEvent.Charged(2));
        assertThat(both.next().state()).isEqualTo(new DonationState.Charged());
        assertThat(both.effects()).containsExactly(new Effect.BookCharge(Money.ofPounds(20)), new Effect.ThankDonor());
    }

    @Test
    void aDeclineFailsTheDonationAndAPartChargedAnywayIsBookedToSuspense() {
        // Proves: one declined part fails the donation (with the safety-net text), and the part that was charged is booked separately, never lost.
        Snapshot first = move(charging(Money.ofPounds(10), Money.ofPounds(10)), new PartEvent.Charged(1));
        Step.Moved failed = (Step.Moved) DonationLifecycle.apply(first, new PartEvent.Declined(2, "INSUFFICIENT_FUNDS", false));
        assertThat(failed.next().state()).isEqualTo(new DonationState.Failed("INSUFFICIENT_FUNDS", false));
        assertThat(failed.effects()).containsExactly(new Effect.BookPartialCharge(1, Money.ofPounds(10)), new Effect.TellDonorNotCharged("INSUFFICIENT_FUNDS"));

        Snapshot declinedFirst = move(charging(Money.ofPounds(10), Money.ofPounds(10)), new PartEvent.Declined(1, "PERMANENTLY_BARRED", true));
        Step.Moved late = (Step.Moved) DonationLifecycle.apply(declinedFirst, new PartEvent.Charged(2));
        assertThat(late.next().state()).isEqualTo(new DonationState.Failed("PERMANENTLY_BARRED", true));
        assertThat(late.effects()).containsExactly(new Effect.BookPartialCharge(2, Money.ofPounds(10)));
    }

    @Test
    void unknownIsNeitherChargedNorFailedAndALateReportResolvesIt() {
        // Proves: no answer makes the donation UNKNOWN with no booking; a late delivery then charges it once; expiry declines it instead.
        Snapshot unknown = move(move(charging(Money.ofPounds(5)), new PartEvent.Submitted(1)), new PartEvent.Unanswered(1));
        assertThat(unknown.state()).isEqualTo(new DonationState.Unknown());
        Step.Moved late = (Step.Moved) DonationLifecycle.apply(unknown, new PartEvent.Charged(1));
        assertThat(late.next().state()).isEqualTo(new DonationState.Charged());
        assertThat(late.effects()).contains(new Effect.BookCharge(Money.ofPounds(5)));

        Step.Moved expired = (Step.Moved) DonationLifecycle.apply(unknown, new PartEvent.Expired(1));
        assertThat(expired.next().state()).isEqualTo(new DonationState.Failed(DonationLifecycle.EXPIRED_REASON, true));
        assertThat(expired.effects()).doesNotHaveAnyElementsOfTypes(Effect.BookCharge.class);
    }

    @Test
    void eventsForFinishedPartsAndRejectedDonationsChangeNothing() {
        // Proves: duplicates and stale events are ignored rather than applied twice.
        Snapshot charged = move(charging(Money.ofPounds(5)), new PartEvent.Charged(1));
        assertThat(DonationLifecycle.apply(charged, new PartEvent.Declined(1, "X", true))).isInstanceOf(Step.Ignored.class);
        assertThat(DonationLifecycle.apply(charged, new PartEvent.Unanswered(1))).isInstanceOf(Step.Ignored.class);
        assertThat(DonationLifecycle.apply(charged, new PartEvent.Charged(7))).isInstanceOf(Step.Ignored.class);
        Snapshot rejected = new Snapshot(new DonationState.Rejected("DAILY_CAP"), List.of());
        assertThat(DonationLifecycle.apply(rejected, new PartEvent.Charged(1))).isInstanceOf(Step.Ignored.class);
    }

    @Test
    void splitPlanUsesTheNetworksLargestPart() {
        // Proves: £20 on a network capped at £10 a message becomes two £10 parts; other networks get one part; £25 leaves a £5 remainder.
        var splits = java.util.Map.of("three", Money.ofPounds(10));
        assertThat(ChargePlan.parts(Money.ofPounds(20), "three", splits)).extracting(ChargePart::amount).containsExactly(Money.ofPounds(10), Money.ofPounds(10));
        assertThat(ChargePlan.parts(Money.ofPounds(20), "o2", splits)).extracting(ChargePart::amount).containsExactly(Money.ofPounds(20));
        assertThat(ChargePlan.parts(Money.ofPounds(25), "three", splits)).extracting(ChargePart::amount).containsExactly(Money.ofPounds(10), Money.ofPounds(10), Money.ofPounds(5));
        assertThat(ChargePlan.parts(Money.ofPounds(5), null, splits)).hasSize(1);
    }
}
