package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** The settlement report format: columns by name, tolerant parsing that reports (never quotes) bad lines, and phone numbers never kept whole. */
class SettlementCsvTest {

    private static final SettlementCsv CSV = SettlementCsv.fromHeader("Request ID,message_id,MSISDN,amount_pence,charged_at,Status,extra");

    private static ReportLine parsed(String text) {
        SettlementCsv.ParsedLine line = CSV.parse(2, text);
        assertThat(line).isInstanceOf(SettlementCsv.Parsed.class);
        return ((SettlementCsv.Parsed) line).line();
    }

    private static String malformed(String text) {
        SettlementCsv.ParsedLine line = CSV.parse(7, text);
        assertThat(line).isInstanceOf(SettlementCsv.Malformed.class);
        assertThat(((SettlementCsv.Malformed) line).lineNo()).isEqualTo(7);
        return ((SettlementCsv.Malformed) line).reason();
    }

    @Test
    void columnsAreFoundByNameInAnyOrderAndLinesParse() {
        // Proves: header names are matched case- and punctuation-insensitively, extra columns are ignored, and a line yields its fields.
        ReportLine line = parsed("adABC,MSG-1,44770090****,500,2026-03-05T10:15:00Z,Charged,whatever");
        assertThat(line.requestId()).isEqualTo("adABC");
        assertThat(line.messageId()).isEqualTo("MSG-1");
        assertThat(line.amountPence()).isEqualTo(500);
        assertThat(line.chargedAt()).isEqualTo(Instant.parse("2026-03-05T10:15:00Z"));
        assertThat(line.status()).isEqualTo(ReportLine.Status.CHARGED);
        assertThat(line.phone()).isEqualTo(new PhoneEvidence.Masked("44770090****", false));
        assertThat(parsed("\"ad,quoted\"\"id\",,,2000,2026-07-01 00:30:00,refunded,").requestId()).isEqualTo("ad,quoted\"id");
        // A local time is UK time: 00:30 BST on 1 July is 23:30 UTC on 30 June.
        assertThat(parsed(",m9,,300,2026-07-01 00:30:00,refunded,").chargedAt()).isEqualTo(Instant.parse("2026-06-30T23:30:00Z"));
        assertThat(parsed(",m9,,300,2026-03-05T10:15:00+01:00,charged,").chargedAt()).isEqualTo(Instant.parse("2026-03-05T09:15:00Z"));
    }

    @Test
    void aHeaderWithoutTheNeededColumnsIsRefusedWithItsName() {
        // Proves: a file that cannot be a settlement report stops at once, naming what is missing.
        assertThatThrownBy(() -> SettlementCsv.fromHeader("request_id,amount_pence,status")).hasMessageContaining("charged_at");
        assertThatThrownBy(() -> SettlementCsv.fromHeader("phone,amount_pence,charged_at,status")).hasMessageContaining("request_id or a message_id");
        assertThatThrownBy(() -> SettlementCsv.fromHeader(null)).hasMessageContaining("empty");
    }

    @Test
    void badLinesAreReportedWithAReasonThatNeverQuotesTheLine() {
        // Proves: each kind of bad line is malformed with a reason, and no reason repeats a phone number from the line.
        List<String> reasons = List.of(
                malformed("adA,,447700900123,5.00,2026-03-05T10:15:00Z,charged,"),
                malformed("adA,,447700900123,500,yesterday,charged,"),
                malformed("adA,,447700900123,500,2026-03-05T10:15:00Z,pending,"),
                malformed(",,447700900123,500,2026-03-05T10:15:00Z,charged,"),
                malformed("adA,,447700900123,0,2026-03-05T10:15:00Z,charged,"),
                malformed("adA,,phone 447700900123,500,2026-03-05T10:15:00Z,charged,"),
                malformed("\"adA,,447700900123,500"),
                malformed("adA,447700900123"),
                malformed("x".repeat(SettlementCsv.LINE_CHARS_MAX + 1)));
        assertThat(reasons).allSatisfy(reason -> assertThat(reason).isNotBlank().doesNotContain("447700900123").doesNotContain("0123"));
    }

    @Test
    void aFullNumberIsMaskedAsReadAndOurHashIsKeptAsAHash() {
        // Proves: a report carrying whole numbers keeps only the last three digits; our 64-hex-digit hash is read as bytes.
        assertThat(parsed("adA,,+44 7700 900123,500,2026-03-05T10:15:00Z,charged,").phone()).isEqualTo(new PhoneEvidence.Masked("*********123", true));
        String hex = "ab".repeat(32);
        assertThat(parsed("adA,," + hex + ",500,2026-03-05T10:15:00Z,charged,").phone()).isInstanceOfSatisfying(PhoneEvidence.Hashed.class,
                hashed -> assertThat(hashed.hash()).hasSize(32));
        assertThat(parsed("adA,,,500,2026-03-05T10:15:00Z,charged,").phone()).isInstanceOf(PhoneEvidence.Absent.class);
    }

    @Test
    void randomBytesNeverThrowAndEveryLineIsParsedOrMalformed() {
        // Proves: whatever a line holds, parsing returns a value (parsed or malformed with its number), never an exception.
        long seed = System.nanoTime();
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        String alphabet = "ad0123456789,\"* -+:TZ.x\r\tchargedrefunded";
        try {
            for (int i = 0; i < 20_000; i++) {
                StringBuilder text = new StringBuilder();
                for (int n = random.nextInt(80); n > 0; n--) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                SettlementCsv.ParsedLine line = CSV.parse(i + 2, text.toString());
                assertThat(line).isNotNull();
            }
        } catch (Throwable e) {
            throw new AssertionError("seed " + seed, e);
        }
    }

    @Test
    void theLineReaderBoundsWhatItHolds() throws Exception {
        // Proves: lines split on \n and \r\n, a last line without an end is read, and an over-long line comes back cut, its rest skipped.
        BoundedLineReader reader = new BoundedLineReader(new StringReader("a,b\r\n" + "x".repeat(50) + "\nlast"), 10);
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
        }
        assertThat(lines).containsExactly("a,b", "x".repeat(11), "last");
    }
}
