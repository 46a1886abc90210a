package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Payouts to the charity: two phases in the ledger, only settled money, never the same money twice, even from many threads at once. */
class PayoutsTest {

    private static final Instant MARCH = Instant.parse("2026-03-10T12:00:00Z");
    private static final Period PERIOD = Period.parse("2026-03");
    private static final int THREADS = 8;
    private SettleKit kit;

    @BeforeEach
    void start() {
        kit = new SettleKit(10, MARCH); // £10 designated cap, so both funds get money
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    private void settleEverything() {
        kit.importReport("ee", PERIOD, kit.charges("true").stream().map(SettleKit::line).toList());
    }

    @Test
    void onlySettledMoneyIsReservedThenPaidOrReleased() throws Exception {
        // Proves: unsettled money is not offered; prepare reserves each fund's settled money; confirm pays it once (a repeat with the
        // same reference changes nothing, another payout cannot reuse the reference); void releases it; a paid payout cannot be voided.
        kit.give(1, "SUN10", "ee");
        kit.give(2, "SUN5", "ee");
        assertThat(kit.settle.payouts.prepare(SettleKit.SLUG, "erin")).allSatisfy(o -> assertThat(o).isInstanceOf(Payouts.FundOutcome.NothingToPay.class));
        settleEverything();
        List<Payouts.FundOutcome> prepared = kit.settle.payouts.prepare(SettleKit.SLUG, "erin");
        assertThat(prepared).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOf(Payouts.FundOutcome.Reserved.class));
        Payouts.Payout designated = ((Payouts.FundOutcome.Reserved) prepared.get(0)).payout();
        Payouts.Payout overflow = ((Payouts.FundOutcome.Reserved) prepared.get(1)).payout();
        assertThat(designated.amountPence()).isEqualTo(1_000);
        assertThat(overflow.amountPence()).isEqualTo(500);
        assertThat(kit.settle.payouts.prepare(SettleKit.SLUG, "erin")).allSatisfy(o -> assertThat(o).isInstanceOf(Payouts.FundOutcome.NothingToPay.class));
        assertThat(kit.fund(SettleKit.DESIGNATED).reservedPence()).isEqualTo(1_000);
        kit.assertIdentity();

        assertThat(kit.settle.payouts.confirm(designated.id(), "BACS-7", "frank")).isInstanceOf(Payouts.ChangeOutcome.Changed.class);
        assertThat(kit.settle.payouts.confirm(designated.id(), "BACS-7", "frank")).isInstanceOf(Payouts.ChangeOutcome.AlreadyDone.class);
        assertThat(kit.settle.payouts.confirm(overflow.id(), "BACS-7", "frank")).isInstanceOf(Payouts.ChangeOutcome.Refused.class);
        assertThat(kit.settle.payouts.voidPayout(designated.id(), "frank", "oops")).isInstanceOf(Payouts.ChangeOutcome.Refused.class);
        assertThat(kit.settle.payouts.voidPayout(overflow.id(), "frank", "wrong account")).isInstanceOf(Payouts.ChangeOutcome.Changed.class);
        assertThat(kit.settle.payouts.voidPayout(overflow.id(), "frank", "again")).isInstanceOf(Payouts.ChangeOutcome.AlreadyDone.class);
        assertThat(kit.fund(SettleKit.DESIGNATED).paidPence()).isEqualTo(1_000);
        assertThat(kit.fund(SettleKit.OVERFLOW).heldPence()).isEqualTo(500);
        assertThat(kit.count("select count(*) from journal where kind = 'PAYOUT_PAID'")).isEqualTo(1);

        java.io.StringWriter remittance = new java.io.StringWriter();
        kit.settle.remittance.write(SettleKit.SLUG, remittance);
        assertThat(remittance.toString()).contains("ukraine-crisis,ee,2026-03,1000,0,1000,1000").contains("disaster-fund,ee,2026-03,500,0,500,0");
        kit.assertIdentity();
        kit.assertVerified();
    }

    @Test
    void concurrentPreparesReserveTheMoneyOnceAndConcurrentConfirmsPayItOnce() throws Exception {
        // Proves: eight threads preparing at once reserve each fund's settled money exactly once between them, and eight threads
        // confirming the same payout with different references pay it exactly once.
        for (int donor = 1; donor <= 6; donor++) {
            kit.give(donor, "SUN5", "ee");
        }
        settleEverything();
        List<Payouts.FundOutcome> outcomes = new ArrayList<>();
        for (List<Payouts.FundOutcome> each : all(() -> kit.settle.payouts.prepare(SettleKit.SLUG, "erin"))) {
            outcomes.addAll(each);
        }
        List<Payouts.Payout> reserved = outcomes.stream().filter(Payouts.FundOutcome.Reserved.class::isInstance)
                .map(o -> ((Payouts.FundOutcome.Reserved) o).payout()).toList();
        assertThat(reserved).hasSize(2);
        assertThat(reserved.stream().mapToLong(Payouts.Payout::amountPence).sum()).isEqualTo(3_000);

        long id = reserved.getFirst().id();
        int[] reference = {0};
        List<Callable<Payouts.ChangeOutcome>> confirms = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            String ref = "BACS-" + (reference[0]++);
            confirms.add(() -> kit.settle.payouts.confirm(id, ref, "frank"));
        }
        List<Payouts.ChangeOutcome> confirmed = run(confirms);
        assertThat(confirmed.stream().filter(Payouts.ChangeOutcome.Changed.class::isInstance)).hasSize(1);
        assertThat(kit.count("select count(*) from journal where kind = 'PAYOUT_PAID'")).isEqualTo(1);
        kit.assertIdentity();
        kit.assertVerified();
    }

    private <T> List<T> all(Callable<T> task) throws Exception {
        List<Callable<T>> tasks = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            tasks.add(task);
        }
        return run(tasks);
    }

    private static <T> List<T> run(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
