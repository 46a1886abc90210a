package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Settlement reports imported through the real services into the embedded PostgreSQL, checked line by line and by the SQL verifier. */
class SettlementImportTest {

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
    void matchedLinesSettleTheirChargesAndTheSameFileTwiceChangesNothing() throws Exception {
        // Proves: a report listing every charge settles them (receivable to cash, fund to payable) without moving the totals,
        // the 100% identity holds with the money held for the charity, and importing the same bytes again changes nothing and says so.
        kit.give(1, "SUN5", "ee");
        kit.give(2, "SUN10", "ee");
        kit.give(3, "SUN3", "ee");
        long totalsBefore = kit.totalCharged();
        List<String> lines = kit.charges("true").stream().map(SettleKit::line).toList();
        java.nio.file.Path file = kit.report(lines);

        ImportResult first = kit.settle.importer.importFile(new ImportRequest(file, "ee", PERIOD, "alice"), ImportProgress.SILENT);
        ImportResult.Imported imported = (ImportResult.Imported) first;
        assertThat(imported.lines(LineClass.MATCHED)).isEqualTo(new ClassTotal(3, 1_800));
        assertThat(imported.settled()).isEqualTo(new ClassTotal(3, 1_800));
        assertThat(imported.missing()).isEqualTo(ClassTotal.NONE);
        assertThat(kit.totalCharged()).isEqualTo(totalsBefore).isEqualTo(1_800);
        AppealReport.FundReport fund = kit.fund(SettleKit.DESIGNATED);
        assertThat(fund.settledPence()).isEqualTo(1_800);
        assertThat(fund.heldPence()).isEqualTo(1_800);
        assertThat(fund.unsettledPence()).isZero();
        kit.assertIdentity();
        kit.assertVerified();

        long journals = kit.count("select count(*) from journal");
        ImportResult again = kit.settle.importer.importFile(new ImportRequest(file, "o2", Period.parse("2026-04"), "bob"), ImportProgress.SILENT);
        assertThat(again).isInstanceOfSatisfying(ImportResult.AlreadyImported.class, earlier -> {
            assertThat(earlier.importId()).isEqualTo(imported.importId());
            assertThat(earlier.importedBy()).isEqualTo("alice");
        });
        assertThat(kit.count("select count(*) from journal")).isEqualTo(journals);
        assertThat(kit.count("select count(*) from settlement_line")).isEqualTo(3);
    }

    @Test
    void everyLineFallsInExactlyOneClassAndMalformedLinesAreReportedByNumber() throws Exception {
        // Proves: matched, missing, unknown-here, amount-mismatch, refunded and duplicate lines are each classed once; malformed lines
        // are reported with their line number (and never quoted) while the rest imports; a network refund lowers the totals at once.
        long a = kit.give(1, "SUN5", "ee");
        long b = kit.give(2, "SUN5", "ee");
        long c = kit.give(3, "SUN10", "ee");
        long d = kit.give(4, "SUN3", "ee");
        kit.give(5, "SUN5", "o2"); // another network: not expected in the ee report
        SettleKit.Charge chargeA = kit.chargesOfDonation(a).getFirst();
        SettleKit.Charge chargeC = kit.chargesOfDonation(c).getFirst();
        SettleKit.Charge chargeD = kit.chargesOfDonation(d).getFirst();
        long totalsBefore = kit.totalCharged();

        List<String> lines = new ArrayList<>();
        lines.add(SettleKit.line(chargeA));                                           // line 2: matched
        lines.add(SettleKit.line(chargeC, 900, "charged"));                           // line 3: amount mismatch
        lines.add(SettleKit.line(chargeD, 300, "refunded"));                          // line 4: refunded by the network
        lines.add("adUNKNOWN000001,,44770090****,500," + MARCH + ",charged");         // line 5: unknown here
        lines.add(SettleKit.line(chargeA));                                           // line 6: duplicate -> mismatch expecting 0
        lines.add("adX,,447700900123,five," + MARCH + ",charged");                     // line 7: malformed amount (holds a full number)
        lines.add("\"unbalanced,,,,,");                                                // line 8: malformed quotes
        lines.add(",,,500," + MARCH + ",charged");                                     // line 9: no id
        lines.add("adY,,447700900123,500," + MARCH + ",charged");                     // line 10: unknown, full number masked as read
        ImportResult.Imported imported = kit.importReport("ee", PERIOD, lines);

        assertThat(imported.lines(LineClass.MATCHED).count()).isEqualTo(1);
        assertThat(imported.lines(LineClass.AMOUNT_MISMATCH).count()).isEqualTo(2);
        assertThat(imported.lines(LineClass.REFUNDED).count()).isEqualTo(1);
        assertThat(imported.lines(LineClass.UNKNOWN_HERE).count()).isEqualTo(2);
        assertThat(imported.missing()).isEqualTo(new ClassTotal(1, 500)); // b, never reported
        assertThat(imported.malformedCount()).isEqualTo(3);
        assertThat(imported.malformedShown()).extracting(SettlementCsv.Malformed::lineNo).containsExactly(7L, 8L, 9L);
        assertThat(imported.malformedShown()).allSatisfy(bad -> assertThat(bad.reason()).doesNotContain("447700900123"));
        assertThat(imported.numbersMasked()).isEqualTo(1);
        assertThat(imported.refundsBooked()).isEqualTo(new ClassTotal(1, 300));
        assertThat(kit.count("select count(*) from settlement_line where phone_masked like '%0123%' or phone_masked like '%447700900123%'")).isZero();
        assertThat(kit.count("select count(*) from settlement_line where phone_masked = '*********123'")).isEqualTo(1);

        assertThat(kit.totalCharged()).isEqualTo(totalsBefore - 300);
        List<Reconciliation.OpenItem> open = kit.settle.reconciliation.openItems("ee", PERIOD, 50);
        assertThat(open).extracting(Reconciliation.OpenItem::lineClass)
                .containsExactly(LineClass.AMOUNT_MISMATCH, LineClass.UNKNOWN_HERE, LineClass.AMOUNT_MISMATCH, LineClass.UNKNOWN_HERE, LineClass.MISSING);
        assertThat(open.getLast().donationId()).isEqualTo(b);
        assertThat(open.get(2).expectedPence()).isZero();
        assertThat(kit.settle.history(d).orElseThrow().events()).anySatisfy(event -> assertThat(event.kind()).isEqualTo("REFUNDED"));
        assertThat(kit.settle.history(d).orElseThrow().refundedPence()).isEqualTo(300);

        Reconciliation.PeriodStatus status = kit.settle.reconciliation.status("ee", PERIOD).getFirst();
        assertThat(status.open()).containsEntry(LineClass.MISSING, 1L).containsEntry(LineClass.UNKNOWN_HERE, 2L).containsEntry(LineClass.AMOUNT_MISMATCH, 2L);
        java.io.StringWriter csv = new java.io.StringWriter();
        assertThat(kit.settle.reconciliation.export("ee", PERIOD, csv)).isEqualTo(7);
        assertThat(csv.toString()).contains("MISSING").contains("REFUNDED").doesNotContain("447700900123");
        kit.assertIdentity();
        kit.assertVerified();
    }

    @Test
    void aLateReportForAnEarlierMonthSettlesWhatWasMissing() throws Exception {
        // Proves: a charge missing from its month's report stops being missing when a later report pays it, and an age bucket follows the month's end.
        long a = kit.give(1, "SUN5", "ee");
        kit.importReport("ee", PERIOD, List.of());
        assertThat(kit.settle.reconciliation.status("ee", PERIOD).getFirst().missing()).isEqualTo(new ClassTotal(1, 500));
        kit.clock.advance(Duration.ofDays(125)); // 104 days after the end of March
        assertThat(kit.report().outstanding()).singleElement().satisfies(o -> assertThat(o.age()).isEqualTo(AgeBucket.OVERDUE));
        kit.importReport("ee", Period.parse("2026-04"), List.of(SettleKit.line(kit.chargesOfDonation(a).getFirst())));
        assertThat(kit.settle.reconciliation.status("ee", PERIOD).getFirst().missing()).isEqualTo(ClassTotal.NONE);
        assertThat(kit.report().outstanding()).isEmpty();
        kit.assertIdentity();
        kit.assertVerified();
    }
}
