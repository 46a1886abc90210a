package org.appealdesk.settle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Sequences;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Imports one network's settlement report for one month, in one transaction: nothing is left
 * half-imported by a crash, and the file's SHA-256 (unique) makes importing it again change nothing.
 *
 * <p>The file is streamed (never held whole) into a temporary table with PostgreSQL's COPY, then
 * every line is classed by one set-based query against the charge parts (request id first, then the
 * aggregator's message id). Matched lines settle their parts: one SETTLEMENT journal per appeal and
 * network moves the money from receivable to cash, and the charity's share from fund to payable.
 * Lines the network refunded book refunds. Every other difference waits for a staff decision.
 *
 * <p>Hazard: the import holds the settlement lock for its whole length (seconds for a million
 * lines), but an appeal's ledger lock only while its journals are written, so live donations on
 * the same appeal are held up for milliseconds, not for the import.
 */
public final class SettlementImporter {

    /** Longest report accepted, in lines. */
    public static final long LINES_MAX = 20_000_000;
    /** Malformed lines stored with their reason; beyond this only the count is kept. */
    public static final int MALFORMED_STORED_MAX = 100_000;
    /** Malformed lines returned to the caller to show. */
    public static final int MALFORMED_SHOWN_MAX = 20;
    /** Progress is reported every this many lines. */
    static final int PROGRESS_EVERY_LINES = 25_000;
    /** Bytes handed to COPY at a time. */
    private static final int COPY_CHUNK_BYTES = 1 << 20;
    /** Memory PostgreSQL may use per sort or hash while classing, so a million-line join stays in memory. */
    private static final String CLASSING_WORK_MEM = "256MB";

    private final Database database;
    private final Ledger ledger;
    private final InstantSource clock;

    public SettlementImporter(Database database, Ledger ledger, InstantSource clock) {
        this.database = database;
        this.ledger = ledger;
        this.clock = clock;
    }

    public ImportResult importFile(ImportRequest request, ImportProgress progress) {
        long started = System.nanoTime();
        Path file = request.file();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read settlement report " + file);
        }
        byte[] sha256 = sha256(file);
        ImportResult result = database.inTransaction(connection -> {
            SettlementLock.acquire(connection);
            ImportResult.AlreadyImported earlier = earlierImport(connection, sha256);
            if (earlier != null) {
                return earlier;
            }
            Instant now = clock.instant();
            long importId = Sequences.reserve(connection, "settlement_import_id_seq", 1)[0];
            insertImport(connection, importId, request, sha256, now);
            try (Statement statement = connection.createStatement()) {
                statement.execute("select set_config('work_mem', '" + CLASSING_WORK_MEM + "', true)");
                statement.execute("create temp table settle_stage (line_no bigint not null, request_id text, message_id text, phone_hash bytea,"
                        + " phone_masked text, amount_pence bigint not null, charged_at timestamptz not null, status text not null) on commit drop");
            }
            ReadTotals read = stream(connection, file, sha256, progress);
            storeMalformed(connection, importId, read.malformed());
            progress.phase("matching " + read.lines() + " lines against charges");
            classify(connection, request.network());
            progress.phase("storing lines");
            Map<LineClass, ClassTotal> classes = storeLines(connection, importId);
            progress.phase("settling " + classes.getOrDefault(LineClass.MATCHED, ClassTotal.NONE).count() + " matched charges");
            List<Settled> settledParts = settleMatched(connection, importId, now);
            ClassTotal settled = new ClassTotal(settledParts.stream().mapToLong(Settled::parts).sum(),
                    settledParts.stream().mapToLong(each -> each.split().totalPence()).sum());
            ClassTotal refunds = newRefunds(connection);
            progress.phase("booking settlement journals and " + refunds.count() + " refunds");
            bookJournals(connection, importId, request, settledParts, progress, now);
            progress.phase("counting missing charges and committing");
            try (PreparedStatement update = connection.prepareStatement(
                    "update settlement_import set lines_read = ?, lines_malformed = ? where id = ?")) {
                update.setLong(1, read.lines());
                update.setLong(2, read.malformedCount());
                update.setLong(3, importId);
                update.executeUpdate();
            }
            ClassTotal missing = Reconciliation.missingTotal(connection, request.network(), request.period());
            List<SettlementCsv.Malformed> shown = read.malformed().subList(0, Math.min(MALFORMED_SHOWN_MAX, read.malformed().size()));
            return new ImportResult.Imported(importId, request.network(), request.period(), read.lines(), read.malformedCount(), shown, classes,
                    settled, refunds, missing, read.numbersMasked(), 0);
        });
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000; // including the commit
        return switch (result) {
            case ImportResult.Imported i -> new ImportResult.Imported(i.importId(), i.network(), i.period(), i.linesRead(), i.malformedCount(),
                    i.malformedShown(), i.classes(), i.settled(), i.refundsBooked(), i.missing(), i.numbersMasked(), elapsedMillis);
            case ImportResult.AlreadyImported earlier -> earlier;
        };
    }

    // ---- reading ---------------------------------------------------------------------------------

    private record ReadTotals(long lines, long malformedCount, List<SettlementCsv.Malformed> malformed, long numbersMasked) {
    }

    /** Parses the file and streams its good lines into settle_stage with COPY; checks the bytes did not change since hashing. */
    private static ReadTotals stream(Connection connection, Path file, byte[] expectedSha256, ImportProgress progress) throws SQLException {
        long bytesTotal;
        MessageDigest digest = newDigest();
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "copy settle_stage (line_no, request_id, message_id, phone_hash, phone_masked, amount_pence, charged_at, status) from stdin (format csv)");
        try (CountingInputStream counting = new CountingInputStream(Files.newInputStream(file));
             DigestInputStream hashing = new DigestInputStream(counting, digest)) {
            bytesTotal = Files.size(file);
            BoundedLineReader reader = new BoundedLineReader(new InputStreamReader(hashing,
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)),
                    SettlementCsv.LINE_CHARS_MAX);
            SettlementCsv csv = SettlementCsv.fromHeader(reader.readLine());
            CopyBuffer out = new CopyBuffer(copy);
            List<SettlementCsv.Malformed> malformed = new ArrayList<>();
            long malformedCount = 0;
            long masked = 0;
            long lines = 0;
            String text;
            while ((text = reader.readLine()) != null) {
                long lineNo = ++lines + 1; // the header is line 1
                if (lines > LINES_MAX) {
                    throw new IllegalArgumentException("the report has more than " + LINES_MAX + " lines");
                }
                if (text.isBlank()) {
                    lines--;
                    continue;
                }
                switch (csv.parse(lineNo, text)) {
                    case SettlementCsv.Parsed parsed -> {
                        out.write(parsed.line());
                        if (parsed.line().phone() instanceof PhoneEvidence.Masked m && m.maskedHere()) {
                            masked++;
                        }
                    }
                    case SettlementCsv.Malformed bad -> {
                        malformedCount++;
                        if (malformed.size() < MALFORMED_STORED_MAX) {
                            malformed.add(bad);
                        }
                    }
                }
                if (lines % PROGRESS_EVERY_LINES == 0) {
                    progress.reading(counting.count(), bytesTotal, lines);
                }
            }
            out.flush();
            copy.endCopy();
            progress.reading(bytesTotal, bytesTotal, lines);
            if (!Arrays.equals(digest.digest(), expectedSha256)) {
                throw new IllegalStateException("the file " + file + " changed while it was being imported; nothing was imported");
            }
            return new ReadTotals(lines, malformedCount, malformed, masked);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Rows for COPY in CSV form, sent in chunks. Identifiers are printable ASCII, quoted with quotes doubled. */
    private static final class CopyBuffer {
        private final CopyIn copy;
        private final StringBuilder rows = new StringBuilder(COPY_CHUNK_BYTES + 4_096);

        CopyBuffer(CopyIn copy) {
            this.copy = copy;
        }

        void write(ReportLine line) throws SQLException {
            rows.append(line.lineNo()).append(',');
            quoted(line.requestId());
            rows.append(',');
            quoted(line.messageId());
            rows.append(',');
            switch (line.phone()) {
                case PhoneEvidence.Hashed h -> rows.append("\\x").append(HexFormat.of().formatHex(h.hash())).append(",,");
                case PhoneEvidence.Masked m -> rows.append(',').append(m.masked()).append(',');
                case PhoneEvidence.Absent a -> rows.append(",,");
            }
            rows.append(line.amountPence()).append(',').append(line.chargedAt()).append(',').append(line.status().name()).append('\n');
            if (rows.length() >= COPY_CHUNK_BYTES) {
                flush();
            }
        }

        private void quoted(String value) {
            if (value != null) {
                rows.append('"').append(value.replace("\"", "\"\"")).append('"');
            }
        }

        void flush() throws SQLException {
            if (!rows.isEmpty()) {
                byte[] bytes = rows.toString().getBytes(StandardCharsets.US_ASCII);
                copy.writeToCopy(bytes, 0, bytes.length);
                rows.setLength(0);
            }
        }
    }

    private static void storeMalformed(Connection connection, long importId, List<SettlementCsv.Malformed> malformed) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into settlement_malformed (import_id, line_no, reason) values (?, ?, ?)")) {
            int batched = 0;
            for (SettlementCsv.Malformed bad : malformed) {
                insert.setLong(1, importId);
                insert.setLong(2, bad.lineNo());
                insert.setString(3, bad.reason());
                insert.addBatch();
                if (++batched % 1_000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    // ---- classing --------------------------------------------------------------------------------

    /**
     * Puts every staged line in one class, in one query. A line matches a charge part by request
     * id, else by message id; the part must be booked (charged, and its donation charged or failed),
     * on this network, for the same phone when the line carries our hash. The first line for a part
     * settles or refunds it; any later one is a mismatch expecting nothing.
     */
    private static void classify(Connection connection, String network) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("analyze settle_stage");
        }
        // The message-id lookup runs only for lines whose request id found nothing (a lateral with
        // LIMIT is not flattened into a second million-row hash join), and the donor's phone hash
        // is fetched only for lines that carry one.
        String facts = "select s.*, ?::text as import_network, p.id as part_id, p.donation_id, p.part_no, p.amount_pence as part_pence,"
                + " p.state as part_state, d.appeal_slug, d.state as donation_state, coalesce(d.network, 'unknown') as part_network,"
                + " (p.state = 'CHARGED' and d.state in ('CHARGED', 'FAILED')) as booked,"
                + " case when s.phone_hash is null then false else s.phone_hash is distinct from (select dn.phone_hash from donor dn where dn.id = d.donor_id) end"
                + " as phone_differs, ps.part_id is not null as settled_before, coalesce(ps.written_off_pence, 0) as written_off_pence,"
                + " r.id as refund_id, r.amount_pence as refund_pence, row_number() over (partition by p.id order by s.line_no) as nth"
                + " from settle_stage s"
                + " left join charge_part pr on pr.request_id = s.request_id"
                + " left join lateral (select pm.id, pm.donation_id, pm.part_no, pm.amount_pence, pm.state from charge_part pm"
                + "   where pr.id is null and pm.network_message_id = lower(s.message_id) limit 1) pm on true"
                + " cross join lateral (select coalesce(pr.id, pm.id) as id, coalesce(pr.donation_id, pm.donation_id) as donation_id,"
                + "   coalesce(pr.part_no, pm.part_no) as part_no, coalesce(pr.amount_pence, pm.amount_pence) as amount_pence,"
                + "   coalesce(pr.state, pm.state) as state) p"
                + " left join donation d on d.id = p.donation_id"
                + " left join part_settlement ps on ps.part_id = p.id"
                + " left join refund r on r.part_id = p.id";
        String differs = "f.part_id is null or not f.booked or f.part_network <> f.import_network or f.phone_differs";
        String sql = "create temp table settle_classified on commit drop as select f.*,"
                + " case when " + differs + " then 'UNKNOWN_HERE'"
                + "  when f.nth > 1 then 'AMOUNT_MISMATCH'"
                + "  when f.status = 'CHARGED' then case when f.settled_before or f.refund_id is not null or f.amount_pence <> f.part_pence"
                + "   then 'AMOUNT_MISMATCH' else 'MATCHED' end"
                + "  when f.refund_id is not null then case when f.amount_pence = f.refund_pence then 'REFUNDED' else 'AMOUNT_MISMATCH' end"
                + "  when f.amount_pence = f.part_pence - f.written_off_pence then 'REFUNDED'"
                + "  else 'AMOUNT_MISMATCH' end as class,"
                + " case when " + differs + " then null"
                + "  when f.nth > 1 then 0"
                + "  when f.status = 'CHARGED' then case when f.settled_before or f.refund_id is not null then 0 else f.part_pence end"
                + "  when f.refund_id is not null then f.refund_pence"
                + "  else f.part_pence - f.written_off_pence end as expected_pence,"
                + " case when f.part_id is null then 'no charge here has this ' || case when f.request_id is not null then 'request id' else 'message id' end"
                + "  when not f.booked then 'the charge here is ' || f.part_state || ', its donation ' || f.donation_state"
                + "  when f.part_network <> f.import_network then 'charged here on network ' || f.part_network"
                + "  when f.phone_differs then 'the phone hash is not the donor''s'"
                + "  when f.nth > 1 then 'another line of this report is for the same charge'"
                + "  when f.status = 'CHARGED' and f.settled_before then 'already settled or written off here'"
                + "  when f.status = 'CHARGED' and f.refund_id is not null then 'refunded here'"
                + "  when f.refund_id is not null then 'already refunded here'"
                + "  else null end as note"
                + " from (" + facts + ") f";
        try (PreparedStatement create = connection.prepareStatement(sql)) {
            create.setString(1, network);
            create.execute();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("analyze settle_classified");
        }
    }

    private static Map<LineClass, ClassTotal> storeLines(Connection connection, long importId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into settlement_line (import_id, line_no, request_id, message_id, phone_hash, phone_masked, amount_pence, charged_at,"
                        + " status, class, part_id, expected_pence, note) select ?, line_no, request_id, message_id, phone_hash, phone_masked,"
                        + " amount_pence, charged_at, status, class, part_id, expected_pence, note from settle_classified")) {
            insert.setLong(1, importId);
            insert.executeUpdate();
        }
        Map<LineClass, ClassTotal> classes = new EnumMap<>(LineClass.class);
        try (PreparedStatement select = connection.prepareStatement("select class, count(*), sum(amount_pence) from settle_classified group by class");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                classes.put(LineClass.valueOf(rows.getString(1)), new ClassTotal(rows.getLong(2), rows.getLong(3)));
            }
        }
        return classes;
    }

    // ---- money -----------------------------------------------------------------------------------

    /** What one import settled for one appeal and network: one SETTLEMENT journal. */
    private record Settled(String appealSlug, String network, FundSplit split, long parts) {
        String journalKey(long importId) {
            return "settlement:import:" + importId + ":" + appealSlug + ":" + network;
        }
    }

    /**
     * Records each matched part as settled, with its fund split (designated money first, by part
     * order), and returns the sums per appeal and network in the same statement.
     */
    private static List<Settled> settleMatched(Connection connection, long importId, Instant now) throws SQLException {
        String designated = "case when c.donation_state = 'FAILED' then 0 else greatest(0, least(c.amount_pence, coalesce(dz.designated, 0)"
                + " - case when c.part_no = 1 then 0 else (select coalesce(sum(q.amount_pence), 0) from charge_part q"
                + " where q.donation_id = c.donation_id and q.part_no < c.part_no) end)) end";
        // What each donation's CHARGE journal put in the designated fund: read from that fund's
        // postings (an index range) rather than a journal lookup per line.
        String designatedByDonation = "select j.appeal_slug, j.donation_id, -pd.amount_pence as designated from appeal a"
                + " join account ad on ad.code = 'appeal:' || a.slug || ':fund:' || a.designated_fund"
                + " join posting pd on pd.account_id = ad.id join journal j on j.id = pd.journal_id and j.kind = 'CHARGE'"
                + " where a.slug in (select distinct appeal_slug from settle_classified where class = 'MATCHED')";
        List<Settled> settled = new ArrayList<>();
        try (PreparedStatement insert = connection.prepareStatement(
                "with settled as (insert into part_settlement (part_id, appeal_slug, network, settled_pence, designated_pence, overflow_pence, suspense_pence,"
                        + " written_off_pence, written_off_designated, written_off_overflow, written_off_suspense, import_id, line_no, settled_at)"
                        + " select x.part_id, x.appeal_slug, x.part_network, x.amount_pence, x.designated, x.amount_pence - x.designated - x.suspense,"
                        + " x.suspense, 0, 0, 0, 0, ?, x.line_no, ?"
                        + " from (select c.part_id, c.appeal_slug, c.part_network, c.amount_pence, c.line_no,"
                        + " case when c.donation_state = 'FAILED' then c.amount_pence else 0 end as suspense, " + designated + " as designated"
                        + " from settle_classified c left join (" + designatedByDonation + ") dz"
                        + " on dz.donation_id = c.donation_id and dz.appeal_slug = c.appeal_slug and c.donation_state = 'CHARGED'"
                        + " where c.class = 'MATCHED') x"
                        + " returning appeal_slug, network, designated_pence, overflow_pence, suspense_pence)"
                        + " select appeal_slug, network, sum(designated_pence), sum(overflow_pence), sum(suspense_pence), count(*) from settled"
                        + " group by appeal_slug, network order by appeal_slug, network")) {
            insert.setLong(1, importId);
            insert.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    settled.add(new Settled(rows.getString(1), rows.getString(2), new FundSplit(rows.getLong(3), rows.getLong(4), rows.getLong(5)), rows.getLong(6)));
                }
            }
        }
        return settled;
    }

    /** The lines the network refunded whose parts are not refunded yet: booked after the settlement journals, appeal by appeal. */
    private record RefundLine(long lineNo, long partId, String appealSlug) {
    }

    private static List<RefundLine> refundLines(Connection connection) throws SQLException {
        List<RefundLine> lines = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select line_no, part_id, appeal_slug from settle_classified where class = 'REFUNDED' and refund_id is null order by appeal_slug, line_no");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                lines.add(new RefundLine(rows.getLong(1), rows.getLong(2), rows.getString(3)));
            }
        }
        return lines;
    }

    /** The refunds this import will book: lines refunded by the network whose parts are not refunded yet. */
    private static ClassTotal newRefunds(Connection connection) throws SQLException {
        try (PreparedStatement sum = connection.prepareStatement(
                "select count(*), coalesce(sum(amount_pence), 0) from settle_classified where class = 'REFUNDED' and refund_id is null");
             ResultSet row = sum.executeQuery()) {
            row.next();
            return new ClassTotal(row.getLong(1), row.getLong(2));
        }
    }

    /**
     * Under each appeal's ledger lock, in slug order (as every ledger writer does): one SETTLEMENT
     * journal per network, then the network's refunds.
     */
    private void bookJournals(Connection connection, long importId, ImportRequest request, List<Settled> settled, ImportProgress progress, Instant now)
            throws SQLException {
        Map<String, List<Settled>> settledByAppeal = new TreeMap<>();
        settled.forEach(each -> settledByAppeal.computeIfAbsent(each.appealSlug(), k -> new ArrayList<>()).add(each));
        List<RefundLine> refunds = refundLines(connection);
        TreeSet<String> appeals = new TreeSet<>(settledByAppeal.keySet());
        refunds.forEach(line -> appeals.add(line.appealSlug()));
        for (String slug : appeals) {
            AppealFunds funds = AppealFunds.require(connection, slug);
            Ledger.AppealBatch batch = ledger.openBatch(connection, slug);
            List<Journal> journals = new ArrayList<>();
            for (Settled each : settledByAppeal.getOrDefault(slug, List.of())) {
                journals.add(SettlementJournals.settlement(funds, each.network(), each.split(), each.journalKey(importId),
                        "settlement report #" + importId + " (" + request.network() + " " + request.period() + "): " + each.parts() + " charges"));
            }
            batch.post(journals, journals.stream().map(journal -> 0L).toList(), now);
            progress.phase(slug + ": reading the charges to refund");
            List<RefundLine> appealRefunds = refunds.stream().filter(line -> line.appealSlug().equals(slug)).toList();
            Map<Long, PartFacts> parts = PartFacts.ofParts(connection, appealRefunds.stream().mapToLong(RefundLine::partId).toArray());
            List<RefundBooking.Request> requests = appealRefunds.stream().map(line -> new RefundBooking.Request(parts.get(line.partId()), importId,
                    line.lineNo(), "refunded by " + request.network() + " (settlement report #" + importId + " line " + line.lineNo() + ")")).toList();
            progress.phase(slug + ": booking " + requests.size() + " refunds");
            RefundBooking.book(connection, batch, funds, requests, Refund.Source.NETWORK, request.importedBy(), now);
            batch.close();
        }
    }


    // ---- the file and its record -----------------------------------------------------------------

    private static ImportResult.AlreadyImported earlierImport(Connection connection, byte[] sha256) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select id, network, period, imported_at, imported_by from settlement_import where file_sha256 = ?")) {
            select.setBytes(1, sha256);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new ImportResult.AlreadyImported(row.getLong(1), row.getString(2), Period.ofFirstDay(row.getObject(3, java.time.LocalDate.class)),
                        row.getTimestamp(4).toInstant(), row.getString(5));
            }
        }
    }

    private static void insertImport(Connection connection, long importId, ImportRequest request, byte[] sha256, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into settlement_import (id, network, period, file_name, file_sha256, file_bytes, imported_by, imported_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, importId);
            insert.setString(2, request.network());
            insert.setObject(3, request.period().firstDay());
            insert.setString(4, String.valueOf(request.file().getFileName()));
            insert.setBytes(5, sha256);
            insert.setLong(6, Files.size(request.file()));
            insert.setString(7, request.importedBy());
            insert.setTimestamp(8, Timestamp.from(now));
            insert.executeUpdate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] sha256(Path file) {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return digest.digest();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
        }
    }

    /** Counts the bytes read, for progress. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int read = super.read(bytes, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }

        long count() {
            return count;
        }
    }
}
