package org.appealdesk.settle;

import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appealdesk.platform.Database;

/**
 * Reconciliation per network and month, as stored by imports and decisions: every report line in
 * its class (and whether a decision closed it), and our charges missing from the reports, computed
 * fresh so a later report or a decision takes a charge off the list at once.
 *
 * <p>A charge is missing when it was booked on the network in the month, a report for that network
 * and month exists, and nothing has settled, refunded or written it off; a charge an open
 * (undecided) report line points at is that line's difference, not also a missing one.
 */
public final class Reconciliation {

    /** Open items listed by {@code settle status}; the counts are always exact. */
    public static final int OPEN_ITEMS_SHOWN_MAX = 50;
    /** Rows fetched at a time while exporting, so a million-line export streams. */
    private static final int EXPORT_FETCH_ROWS = 10_000;

    /** One imported report. */
    public record ImportSummary(long importId, String network, Period period, String fileName, long linesRead, long malformed,
                                Instant importedAt, String importedBy) {
    }

    /** A network and month: its reports, its lines by class, what is still open, what is missing. */
    public record PeriodStatus(String network, Period period, List<ImportSummary> imports, Map<LineClass, ClassTotal> lines,
                               Map<LineClass, Long> open, ClassTotal missing, long malformed) {
        public PeriodStatus {
            imports = List.copyOf(imports);
            lines = Map.copyOf(lines);
            open = Map.copyOf(open);
        }
    }

    /** A difference waiting for a decision: a report line, or one of our charges missing from the reports. */
    public record OpenItem(LineClass lineClass, Long importId, Long lineNo, Long partId, Long donationId, Long reportedPence, Long expectedPence,
                           Instant chargedAt, long ageDays, String note) {
        public OpenItem {
            if (!lineClass.needsDecision() || (importId == null) != (lineClass == LineClass.MISSING) || (importId == null && partId == null)) {
                throw new IllegalArgumentException("an open item is an undecided line or a missing charge, got " + lineClass + " " + importId + ":" + lineNo
                        + " part " + partId);
            }
        }

        /** How {@code settle resolve} names it: IMPORT:LINE for a line, part:ID for a missing charge. */
        public String reference() {
            return importId != null ? importId + ":" + lineNo : "part:" + partId;
        }
    }

    private final Database database;
    private final InstantSource clock;

    public Reconciliation(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    static final String MISSING_FROM = " from charge_part p join donation d on d.id = p.donation_id"
            + " left join part_settlement ps on ps.part_id = p.id left join refund r on r.part_id = p.id"
            + " where coalesce(d.network, 'unknown') = ? and p.state = 'CHARGED' and d.state in ('CHARGED', 'FAILED')"
            + " and p.resolved_at >= ? and p.resolved_at < ? and ps.part_id is null and r.part_id is null"
            + " and not exists (select 1 from settlement_line l where l.part_id = p.id and l.class in ('UNKNOWN_HERE', 'AMOUNT_MISMATCH')"
            + "   and not exists (select 1 from settlement_resolution sr where sr.import_id = l.import_id and sr.line_no = l.line_no"
            + "   and sr.action = 'DISMISS'))";

    static ClassTotal missingTotal(Connection connection, String network, Period period) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select count(*), coalesce(sum(p.amount_pence), 0)" + MISSING_FROM)) {
            bindMissing(select, 1, network, period);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new ClassTotal(row.getLong(1), row.getLong(2));
            }
        }
    }

    private static int bindMissing(PreparedStatement statement, int first, String network, Period period) throws SQLException {
        statement.setString(first, network);
        statement.setTimestamp(first + 1, Timestamp.from(period.start()));
        statement.setTimestamp(first + 2, Timestamp.from(period.end()));
        return first + 3;
    }

    /** Every network and month with at least one report, optionally narrowed; newest month first. */
    public List<PeriodStatus> status(String network, Period period) {
        return database.inTransaction(connection -> {
            Map<String, List<ImportSummary>> imports = new LinkedHashMap<>();
            for (ImportSummary summary : imports(connection, network, period)) {
                imports.computeIfAbsent(summary.network() + " " + summary.period(), k -> new ArrayList<>()).add(summary);
            }
            List<PeriodStatus> statuses = new ArrayList<>();
            for (List<ImportSummary> group : imports.values()) {
                String net = group.getFirst().network();
                Period month = group.getFirst().period();
                Map<LineClass, ClassTotal> lines = new EnumMap<>(LineClass.class);
                Map<LineClass, Long> open = new EnumMap<>(LineClass.class);
                try (PreparedStatement select = connection.prepareStatement(
                        "select l.class, count(*), sum(l.amount_pence), count(*) filter (where sr.id is null)"
                                + " from settlement_line l join settlement_import i on i.id = l.import_id"
                                + " left join settlement_resolution sr on sr.import_id = l.import_id and sr.line_no = l.line_no"
                                + " where i.network = ? and i.period = ? group by l.class")) {
                    select.setString(1, net);
                    select.setObject(2, month.firstDay());
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            LineClass lineClass = LineClass.valueOf(rows.getString(1));
                            lines.put(lineClass, new ClassTotal(rows.getLong(2), rows.getLong(3)));
                            if (lineClass.needsDecision()) {
                                open.put(lineClass, rows.getLong(4));
                            }
                        }
                    }
                }
                ClassTotal missing = missingTotal(connection, net, month);
                lines.put(LineClass.MISSING, missing);
                open.put(LineClass.MISSING, missing.count());
                long malformed = group.stream().mapToLong(ImportSummary::malformed).sum();
                statuses.add(new PeriodStatus(net, month, group, lines, open, missing, malformed));
            }
            return statuses;
        });
    }

    private static List<ImportSummary> imports(Connection connection, String network, Period period) throws SQLException {
        List<ImportSummary> imports = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select id, network, period, file_name, lines_read, lines_malformed, imported_at, imported_by from settlement_import"
                        + " where (?::text is null or network = ?) and (?::date is null or period = ?) order by period desc, network, id")) {
            select.setString(1, network);
            select.setString(2, network);
            LocalDate first = period == null ? null : period.firstDay();
            select.setObject(3, first);
            select.setObject(4, first);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    imports.add(new ImportSummary(rows.getLong(1), rows.getString(2), Period.ofFirstDay(rows.getObject(3, LocalDate.class)),
                            rows.getString(4), rows.getLong(5), rows.getLong(6), rows.getTimestamp(7).toInstant(), rows.getString(8)));
                }
            }
        }
        return imports;
    }

    /** The open differences of one network and month: undecided lines first, then missing charges, oldest first. */
    public List<OpenItem> openItems(String network, Period period, int limit) {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            List<OpenItem> items = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select l.class, l.import_id, l.line_no, l.part_id, p.donation_id, l.amount_pence, l.expected_pence, l.charged_at, l.note"
                            + " from settlement_line l join settlement_import i on i.id = l.import_id left join charge_part p on p.id = l.part_id"
                            + " where i.network = ? and i.period = ? and l.class in ('UNKNOWN_HERE', 'AMOUNT_MISMATCH')"
                            + " and not exists (select 1 from settlement_resolution sr where sr.import_id = l.import_id and sr.line_no = l.line_no)"
                            + " order by l.import_id, l.line_no limit ?")) {
                select.setString(1, network);
                select.setObject(2, period.firstDay());
                select.setInt(3, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Instant chargedAt = rows.getTimestamp(8).toInstant();
                        items.add(new OpenItem(LineClass.valueOf(rows.getString(1)), rows.getLong(2), rows.getLong(3), nullableLong(rows, 4),
                                nullableLong(rows, 5), rows.getLong(6), nullableLong(rows, 7), chargedAt, ageDays(chargedAt, now), rows.getString(9)));
                    }
                }
            }
            if (items.size() < limit) {
                try (PreparedStatement select = connection.prepareStatement(
                        "select p.id, p.donation_id, p.amount_pence, p.resolved_at" + MISSING_FROM + " order by p.resolved_at, p.id limit ?")) {
                    int next = bindMissing(select, 1, network, period);
                    select.setInt(next, limit - items.size());
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            Instant chargedAt = rows.getTimestamp(4).toInstant();
                            items.add(new OpenItem(LineClass.MISSING, null, null, rows.getLong(1), rows.getLong(2), null, rows.getLong(3), chargedAt,
                                    ageDays(chargedAt, now), "no report line yet"));
                        }
                    }
                }
            }
            return items;
        });
    }

    /**
     * Writes every line of the network and month with its class and decision, then every missing
     * charge, as CSV; returns the rows written (without the header).
     */
    public long export(String network, Period period, Writer out) {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            CsvWriter csv = new CsvWriter(out);
            csv.row("class", "import_id", "line_no", "request_id", "message_id", "phone", "reported_pence", "expected_pence", "charged_at",
                    "age_days", "part_id", "donation_id", "note", "decision", "decided_by", "decision_reason");
            try (PreparedStatement select = connection.prepareStatement(
                    "select l.class, l.import_id, l.line_no, l.request_id, l.message_id, l.phone_hash, l.phone_masked, l.amount_pence, l.expected_pence,"
                            + " l.charged_at, l.part_id, p.donation_id, l.note, sr.action, sr.resolved_by, sr.reason"
                            + " from settlement_line l join settlement_import i on i.id = l.import_id left join charge_part p on p.id = l.part_id"
                            + " left join settlement_resolution sr on sr.import_id = l.import_id and sr.line_no = l.line_no"
                            + " where i.network = ? and i.period = ? order by l.import_id, l.line_no")) {
                select.setFetchSize(EXPORT_FETCH_ROWS);
                select.setString(1, network);
                select.setObject(2, period.firstDay());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        byte[] hash = rows.getBytes(6);
                        Instant chargedAt = rows.getTimestamp(10).toInstant();
                        csv.row(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getString(4), rows.getString(5),
                                hash != null ? HexFormat.of().formatHex(hash) : rows.getString(7), rows.getLong(8), nullableLong(rows, 9), chargedAt,
                                ageDays(chargedAt, now), nullableLong(rows, 11), nullableLong(rows, 12), rows.getString(13), rows.getString(14),
                                rows.getString(15), rows.getString(16));
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "select p.request_id, p.network_message_id, p.amount_pence, p.resolved_at, p.id, p.donation_id" + MISSING_FROM + " order by p.resolved_at, p.id")) {
                select.setFetchSize(EXPORT_FETCH_ROWS);
                bindMissing(select, 1, network, period);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Instant chargedAt = rows.getTimestamp(4).toInstant();
                        csv.row(LineClass.MISSING.name(), null, null, rows.getString(1), rows.getString(2), null, null, rows.getLong(3), chargedAt,
                                ageDays(chargedAt, now), rows.getLong(5), rows.getLong(6), "no report line yet", null, null, null);
                    }
                }
            }
            return csv.rows() - 1;
        });
    }

    static long ageDays(Instant chargedAt, Instant now) {
        return Math.max(0, Duration.between(chargedAt, now).toDays());
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }
}
