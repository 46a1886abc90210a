package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** The small values settlement is built on: fund splits, months, age buckets, the remittance's allocation, CSV fields, decision references. */
class ValuesTest {

    @Test
    void splitPartsTakeDesignatedMoneyFirstAndAlwaysAddUp() {
        // Proves: a donation's parts split its designated money first by part order, any share of a part likewise, and every split sums to its whole.
        assertThat(FundSplit.ofPart(1_000, 0, 700)).isEqualTo(new FundSplit(700, 300, 0));
        assertThat(FundSplit.ofPart(1_000, 1_000, 700)).isEqualTo(new FundSplit(0, 1_000, 0));
        assertThat(FundSplit.ofPart(1_000, 1_000, 1_500)).isEqualTo(new FundSplit(500, 500, 0));
        assertThat(new FundSplit(700, 300, 0).firstPence(800)).isEqualTo(new FundSplit(700, 100, 0));
        assertThatThrownBy(() -> new FundSplit(1, 1, 0).firstPence(3)).isInstanceOf(IllegalArgumentException.class);
        long seed = System.nanoTime();
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        for (int i = 0; i < 10_000; i++) {
            long amount = random.nextLong(1, 4_001);
            FundSplit split = FundSplit.ofPart(amount, random.nextLong(0, 8_000), random.nextLong(0, 8_000));
            long share = random.nextLong(0, amount + 1);
            FundSplit first = split.firstPence(share);
            assertThat(split.totalPence()).as("seed " + seed).isEqualTo(amount);
            assertThat(first.totalPence() + split.minus(first).totalPence()).as("seed " + seed).isEqualTo(amount);
        }
    }

    @Test
    void monthsFollowTheUkCalendarAndAgeFromTheMonthsEnd() {
        // Proves: a charge belongs to its London month, and money owed is due 45 days and overdue 100 days after that month ends.
        assertThat(Period.of(Instant.parse("2026-03-31T23:30:00Z"))).isEqualTo(Period.parse("2026-04")); // 00:30 BST on 1 April
        assertThat(Period.of(Instant.parse("2026-01-31T23:30:00Z"))).isEqualTo(Period.parse("2026-01"));
        assertThatThrownBy(() -> Period.parse("2026-13")).hasMessageContaining("YYYY-MM");
        Period march = Period.parse("2026-03");
        assertThat(AgeBucket.of(march, Instant.parse("2026-05-14T12:00:00Z"))).isEqualTo(AgeBucket.NOT_YET_DUE);
        assertThat(AgeBucket.of(march, Instant.parse("2026-05-15T12:00:00Z"))).isEqualTo(AgeBucket.DUE);
        assertThat(AgeBucket.of(march, Instant.parse("2026-07-09T12:00:00Z"))).isEqualTo(AgeBucket.OVERDUE);
    }

    @Test
    void paymentsAreAllocatedToTheOldestSettledMoneyFirst() {
        // Proves: the remittance puts what was paid against the oldest settled month first, and any excess on the last settled row.
        Period jan = Period.parse("2026-01");
        Period feb = Period.parse("2026-02");
        List<Remittance.Row> rows = List.of(new Remittance.Row("f", "ee", jan, 1_000, 0, 600, 0), new Remittance.Row("f", "o2", jan, 500, 0, 0, 0),
                new Remittance.Row("f", "ee", feb, 800, 0, 800, 0));
        assertThat(Remittance.allocatePaid(rows, 1_000)).extracting(Remittance.Row::paidPence).containsExactly(600L, 0L, 400L);
        assertThat(Remittance.allocatePaid(rows, 1_500)).extracting(Remittance.Row::paidPence).containsExactly(600L, 0L, 900L);
    }

    @Test
    void csvFieldsAreQuotedAndFormulaeDefused() {
        // Proves: free text with commas or quotes is quoted, and text a spreadsheet would run as a formula is not.
        assertThat(CsvWriter.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvWriter.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvWriter.field("=SUM(A1)")).isEqualTo("'=SUM(A1)");
        assertThat(CsvWriter.field(-5L)).isEqualTo("-5");
    }

    @Test
    void decisionReferencesNameALineOrAMissingCharge() {
        // Proves: "12:345" names a report line, "part:9" a missing charge, and anything else is refused with the expected forms.
        assertThat(Resolutions.Target.parse("12:345")).isEqualTo(new Resolutions.Target.Line(12, 345));
        assertThat(Resolutions.Target.parse("part:9")).isEqualTo(new Resolutions.Target.MissingCharge(9));
        assertThatThrownBy(() -> Resolutions.Target.parse("line 4")).hasMessageContaining("IMPORT:LINE");
    }
}
