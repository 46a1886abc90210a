package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Staff decisions and refunds on the real services: money moves only by a recorded decision, and refunds are never blocked. */
class DecisionsAndRefundsTest {

    private static final Instant MARCH = Instant.parse("2026-03-10T12:00:00Z");
    private static final Period PERIOD = Period.parse("2026-03");
    private SettleKit kit;

    @BeforeEach
    void start() {
        kit = new SettleKit(1_000, MARCH);
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void decisionsTurnDifferencesIntoJournalsWithWhoAndWhy() throws Exception {
        // Proves: settling a short line settles what was paid and writes off the rest, an unknown line's money goes to suspense,
        // a missing charge can be written off (the totals fall), a dismissed line moves nothing, and each decision is made once.
        long shortPaid = kit.give(1, "SUN10", "ee");
        long missing = kit.give(2, "SUN5", "ee");
        kit.give(3, "SUN3", "ee");
        SettleKit.Charge shortCharge = kit.chargesOfDonation(shortPaid).getFirst();
        ImportResult.Imported imported = kit.importReport("ee", PERIOD, List.of(
                SettleKit.line(shortCharge, 800, "charged"),
                "adNOBODY,,,700," + MARCH + ",charged",
                SettleKit.line(kit.chargesOfDonation(shortPaid + 2).getFirst(), 301, "charged")));
        long id = imported.importId();
        long totals = kit.totalCharged();
        long journals = kit.count("select count(*) from journal");

        Resolutions.Outcome settled = kit.settle.resolutions.resolve(new Resolutions.Target.Line(id, 2), Resolutions.Action.SETTLE, null, "carol", "network paid £8");
        assertThat(settled).isInstanceOfSatisfying(Resolutions.Outcome.Resolved.class, r -> {
            assertThat(r.settledPence()).isEqualTo(800);
            assertThat(r.writtenOffPence()).isEqualTo(200);
            assertThat(r.suspensePence()).isZero();
        });
        assertThat(kit.totalCharged()).isEqualTo(totals - 200);
        assertThat(kit.settle.resolutions.resolve(new Resolutions.Target.Line(id, 2), Resolutions.Action.DISMISS, null, "carol", "again"))
                .isInstanceOf(Resolutions.Outcome.Refused.class);

        assertThat(kit.settle.resolutions.resolve(new Resolutions.Target.Line(id, 3), Resolutions.Action.SETTLE, null, "carol", "paid for nobody"))
                .isInstanceOfSatisfying(Resolutions.Outcome.Resolved.class, r -> assertThat(r.suspensePence()).isEqualTo(700));
        assertThat(kit.report().suspense().unmatchedSettlementPence()).isEqualTo(700);

        // 301 for a 300 charge: settle 300 and put the extra penny in suspense
        assertThat(kit.settle.resolutions.resolve(new Resolutions.Target.Line(id, 4), Resolutions.Action.SETTLE, null, "carol", "overpaid"))
                .isInstanceOfSatisfying(Resolutions.Outcome.Resolved.class, r -> {
                    assertThat(r.settledPence()).isEqualTo(300);
                    assertThat(r.suspensePence()).isEqualTo(1);
                });

        long missingPart = kit.chargesOfDonation(missing).getFirst().partId();
        assertThat(kit.settle.resolutions.resolve(new Resolutions.Target.MissingCharge(missingPart), Resolutions.Action.DISMISS, null, "carol", "x"))
                .isInstanceOf(Resolutions.Outcome.Refused.class);
        assertThat(kit.settle.resolutions.resolve(new Resolutions.Target.MissingCharge(missingPart), Resolutions.Action.WRITE_OFF, null, "carol", "ee lost it"))
                .isInstanceOf(Resolutions.Outcome.Resolved.class);
        assertThat(kit.totalCharged()).isEqualTo(totals - 200 - 500);
        assertThat(kit.settle.reconciliation.status("ee", PERIOD).getFirst().missing()).isEqualTo(ClassTotal.NONE);
        assertThat(kit.count("select count(*) from settlement_resolution where resolved_by = 'carol' and reason <> ''")).isEqualTo(4);
        assertThat(kit.count("select count(*) from journal")).isGreaterThan(journals);
        assertThat(kit.fund(SettleKit.DESIGNATED).writtenOffPence()).isEqualTo(700);
        kit.assertIdentity();
        kit.assertVerified();
    }

    @Test
    void refundsBeforeAndAfterSettlementAndAfterPayoutNeverBlockAndNeverMakeThePayableNegative() throws Exception {
        // Proves: a staff refund of unsettled money clears the receivable, of settled money takes it back from the charity payable,
        // and of money already paid out makes it recoverable from the charity, kept back from the next payout; a second refund finds nothing.
        long early = kit.give(1, "SUN5", "ee");
        long settledGift = kit.give(2, "SUN10", "ee");
        long paidGift = kit.give(3, "SUN3", "ee");
        long later = kit.give(4, "SUN5", "ee");

        assertThat(kit.settle.refunds.refundDonation(early, "dave", "donor asked")).isInstanceOfSatisfying(Refunds.Outcome.Refunded.class,
                r -> assertThat(r.refunds()).singleElement().satisfies(refund -> assertThat(refund.fromSettledPence()).isZero()));
        assertThat(kit.totalCharged()).isEqualTo(1_800);
        assertThat(kit.settle.refunds.refundDonation(early, "dave", "again")).isInstanceOf(Refunds.Outcome.NothingToRefund.class);
        assertThat(kit.settle.refunds.refundDonation(999_999, "dave", "who")).isInstanceOf(Refunds.Outcome.NoSuchDonation.class);

        kit.importReport("ee", PERIOD, List.of(SettleKit.line(kit.chargesOfDonation(settledGift).getFirst()),
                SettleKit.line(kit.chargesOfDonation(paidGift).getFirst()), SettleKit.line(kit.chargesOfDonation(early).getFirst(), 500, "refunded")));
        assertThat(kit.fund(SettleKit.DESIGNATED).heldPence()).isEqualTo(1_300);
        assertThat(kit.settle.refunds.refundDonation(settledGift, "dave", "duplicate gift")).isInstanceOf(Refunds.Outcome.Refunded.class);
        assertThat(kit.fund(SettleKit.DESIGNATED).heldPence()).isEqualTo(300);

        List<Payouts.FundOutcome> prepared = kit.settle.payouts.prepare(SettleKit.SLUG, "erin");
        Payouts.Payout payout = ((Payouts.FundOutcome.Reserved) prepared.getFirst()).payout();
        assertThat(payout.amountPence()).isEqualTo(300);
        kit.settle.payouts.confirm(payout.id(), "BACS-1", "erin");
        assertThat(kit.settle.refunds.refundDonation(paidGift, "dave", "chargeback")).isInstanceOf(Refunds.Outcome.Refunded.class);
        AppealReport.FundReport fund = kit.fund(SettleKit.DESIGNATED);
        assertThat(fund.heldPence()).isZero();
        assertThat(fund.recoverablePence()).isEqualTo(300);
        assertThat(fund.paidPence()).isEqualTo(300);
        kit.assertIdentity();

        kit.importReport("ee", Period.parse("2026-04"), List.of(SettleKit.line(kit.chargesOfDonation(later).getFirst())));
        List<Payouts.FundOutcome> next = kit.settle.payouts.prepare(SettleKit.SLUG, "erin");
        assertThat(next.getFirst()).isInstanceOfSatisfying(Payouts.FundOutcome.Reserved.class, r -> {
            assertThat(r.payout().amountPence()).isEqualTo(200);
            assertThat(r.payout().nettedPence()).isEqualTo(300);
        });
        assertThat(kit.settle.history(paidGift).orElseThrow().events()).extracting(DonationHistory.Event::kind).contains("REFUNDED", "SETTLED");
        assertThat(kit.totalCharged()).isEqualTo(500);
        kit.assertIdentity();
        kit.assertVerified();
    }

    @Test
    void splitGiftsAndPartChargesSettleAndRefundPartByPart() throws Exception {
        // Proves: a £20 gift split into two £10 parts across the designated cap settles part by part with designated money first,
        // and a part charged for a failed donation settles into cash while its liability stays in suspense until refunded.
        SettleKit small = kit;
        small.close();
        kit = new SettleKit(12, MARCH); // designated fund capped at £12
        long first = kit.give(1, "SUN5", "three");
        long split = kit.give(2, "SUN20", "three"); // £7 designated, £13 overflow; parts £10 + £10
        long failed = kit.giveHalfCharged(3);
        List<SettleKit.Charge> parts = kit.chargesOfDonation(split);
        assertThat(parts).hasSize(2);
        SettleKit.Charge partial = kit.chargesOfDonation(failed).getFirst();
        assertThat(partial.donationState()).isEqualTo("FAILED");

        kit.importReport("three", PERIOD, List.of(SettleKit.line(kit.chargesOfDonation(first).getFirst()), SettleKit.line(parts.get(1)),
                SettleKit.line(partial)));
        assertThat(kit.fund(SettleKit.DESIGNATED).settledPence()).isEqualTo(500);
        assertThat(kit.fund(SettleKit.OVERFLOW).settledPence()).isEqualTo(1_000);
        assertThat(kit.fund(SettleKit.DESIGNATED).unsettledPence()).isEqualTo(700);
        assertThat(kit.fund(SettleKit.OVERFLOW).unsettledPence()).isEqualTo(300);
        assertThat(kit.report().suspense().partialChargesPence()).isEqualTo(1_000);
        assertThat(kit.report().cashPence()).isEqualTo(2_500);
        kit.assertIdentity();
        kit.assertVerified();

        assertThat(kit.settle.refunds.refundDonation(failed, "dave", "charged for a failed gift")).isInstanceOf(Refunds.Outcome.Refunded.class);
        assertThat(kit.report().suspense().partialChargesPence()).isZero();
        assertThat(kit.settle.refunds.refundDonation(split, "dave", "donor asked")).isInstanceOfSatisfying(Refunds.Outcome.Refunded.class,
                r -> assertThat(r.amountPence()).isEqualTo(2_000));
        assertThat(kit.totalCharged()).isEqualTo(500);
        kit.assertIdentity();
        kit.assertVerified();
    }
}
