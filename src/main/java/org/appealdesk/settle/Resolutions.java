package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Sequences;

/**
 * Staff decisions on differences ({@code settle resolve}): the only way a difference between a
 * report and our charges becomes money in the ledger, and always with who and why.
 *
 * <ul>
 *   <li>SETTLE a line (unknown here, or amount mismatch): take the network's figure. If the line
 *       is for one of our charges the network has not paid yet, the part is settled for what was
 *       reported, up to its amount; a shortfall is written off; anything over it goes to suspense.
 *       Otherwise the whole amount goes to suspense (money paid for no gift here).</li>
 *   <li>WRITE_OFF a missing charge: the network will never pay it; it leaves the funds (the totals fall).</li>
 *   <li>DISMISS a line: no money moves (e.g. the network will correct it in a later report).</li>
 * </ul>
 */
public final class Resolutions {

    /** What a decision is about. */
    public sealed interface Target {
        /** A report line, named IMPORT:LINE. */
        record Line(long importId, long lineNo) implements Target {
        }

        /** One of our charge parts missing from the reports, named part:ID. */
        record MissingCharge(long partId) implements Target {
        }

        /** "12:345" or "part:678". */
        static Target parse(String text) {
            String value = text == null ? "" : text.strip();
            try {
                if (value.startsWith("part:")) {
                    return new MissingCharge(Long.parseLong(value.substring(5)));
                }
                int colon = value.indexOf(':');
                if (colon > 0) {
                    return new Line(Long.parseLong(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1)));
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw new IllegalArgumentException("a difference is IMPORT:LINE (a report line) or part:ID (a missing charge), got '" + text + "'");
        }
    }

    public enum Action { SETTLE, WRITE_OFF, DISMISS }

    public sealed interface Outcome {
        record Resolved(long resolutionId, Action action, long settledPence, long writtenOffPence, long suspensePence) implements Outcome {
            public String summary() {
                return action.name().toLowerCase(Locale.ROOT).replace('_', '-') + ": settled " + Money.ofPence(settledPence) + ", written off "
                        + Money.ofPence(writtenOffPence) + ", to suspense " + Money.ofPence(suspensePence);
            }
        }

        record Refused(String why) implements Outcome {
        }
    }

    private final Database database;
    private final Ledger ledger;
    private final InstantSource clock;

    public Resolutions(Database database, Ledger ledger, InstantSource clock) {
        this.database = database;
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * @param appealSlug where suspense money goes when the line points at no charge of ours; may be
     *                   null when there is only one appeal
     */
    public Outcome resolve(Target target, Action action, String appealSlug, String by, String reason) {
        String who = Refunds.requireText(by, "who");
        String why = Refunds.requireText(reason, "reason");
        return database.inTransaction(connection -> {
            SettlementLock.acquire(connection);
            return switch (target) {
                case Target.Line line -> resolveLine(connection, line, action, appealSlug, who, why);
                case Target.MissingCharge missing -> resolveMissing(connection, missing, action, who, why);
            };
        });
    }

    private record LineFacts(String lineClass, String status, long amountPence, Long partId, boolean decided) {
    }

    private Outcome resolveLine(Connection connection, Target.Line target, Action action, String appealSlug, String who, String why) throws SQLException {
        LineFacts line = loadLine(connection, target);
        if (line == null) {
            return new Outcome.Refused("no report line " + target.importId() + ":" + target.lineNo());
        }
        if (line.decided()) {
            return new Outcome.Refused("line " + target.importId() + ":" + target.lineNo() + " was decided already");
        }
        if (!LineClass.valueOf(line.lineClass()).needsDecision()) {
            return new Outcome.Refused("line " + target.importId() + ":" + target.lineNo() + " is " + line.lineClass() + ": nothing to decide");
        }
        PartFacts part = line.partId() == null ? null : PartFacts.ofPart(connection, line.partId()).orElse(null);
        String slug = part != null ? part.appealSlug() : appealSlug != null ? appealSlug : onlyAppeal(connection);
        if (slug == null) {
            return new Outcome.Refused("the line points at no charge here: name the appeal whose suspense takes the money (--appeal)");
        }
        AppealFunds funds = AppealFunds.load(connection, slug).orElse(null);
        if (funds == null) {
            return new Outcome.Refused("no appeal called '" + slug + "'");
        }
        Instant now = clock.instant();
        return switch (action) {
            case DISMISS -> {
                long id = insertResolution(connection, target.importId(), target.lineNo(), line.partId(), action, slug, 0, 0, 0, who, why, now);
                yield new Outcome.Resolved(id, action, 0, 0, 0);
            }
            case WRITE_OFF -> new Outcome.Refused("write-off is for charges missing from the reports; decide a line with settle or dismiss");
            case SETTLE -> {
                if (!"CHARGED".equals(line.status())) {
                    yield new Outcome.Refused("the network says it refunded this line: there is nothing to settle; dismiss it, or refund the donation");
                }
                yield settleLine(connection, target, line, part, funds, who, why, now);
            }
        };
    }

    private Outcome settleLine(Connection connection, Target.Line target, LineFacts line, PartFacts part, AppealFunds funds, String who, String why,
                               Instant now) throws SQLException {
        boolean payable = part != null && part.outstanding() && part.appealSlug().equals(funds.appealSlug());
        long settledPence = payable ? Math.min(line.amountPence(), part.amountPence()) : 0;
        long writtenOffPence = payable ? part.amountPence() - settledPence : 0;
        long suspensePence = line.amountPence() - settledPence;
        long id = insertResolution(connection, target.importId(), target.lineNo(), line.partId(), Action.SETTLE, funds.appealSlug(), settledPence,
                writtenOffPence, suspensePence, who, why, now);
        String key = "resolution:" + id;
        List<Journal> journals = new ArrayList<>(3);
        List<Long> designatedDeltas = new ArrayList<>(3);
        if (payable) {
            FundSplit settled = part.split().firstPence(settledPence);
            FundSplit writtenOff = part.split().minus(settled);
            insertPartSettlement(connection, part, settled, writtenOff, id, now);
            if (settledPence > 0) {
                journals.add(SettlementJournals.settlement(funds, part.network(), settled, key + ":settle", "decision " + id + ": settled as reported"));
                designatedDeltas.add(0L);
            }
            if (writtenOffPence > 0) {
                journals.add(SettlementJournals.writeOff(funds, part.network(), writtenOff, part.donationId(), key + ":write-off",
                        "decision " + id + ": the network paid less than charged"));
                designatedDeltas.add(-writtenOff.designatedPence());
            }
        }
        if (suspensePence > 0) {
            journals.add(SettlementJournals.toSuspense(funds.appealSlug(), suspensePence, key + ":suspense", "decision " + id + ": paid for no gift here"));
            designatedDeltas.add(0L);
        }
        Ledger.AppealBatch batch = ledger.openBatch(connection, funds.appealSlug());
        batch.post(journals, designatedDeltas, now);
        batch.close();
        return new Outcome.Resolved(id, Action.SETTLE, settledPence, writtenOffPence, suspensePence);
    }

    private Outcome resolveMissing(Connection connection, Target.MissingCharge target, Action action, String who, String why) throws SQLException {
        if (action != Action.WRITE_OFF) {
            return new Outcome.Refused("a missing charge can only be written off (or left until a later report pays it)");
        }
        PartFacts part = PartFacts.ofPart(connection, target.partId()).orElse(null);
        if (part == null) {
            return new Outcome.Refused("no charge part " + target.partId());
        }
        if (!part.outstanding()) {
            return new Outcome.Refused("charge part " + target.partId() + " is not outstanding (not booked, or already settled, written off or refunded)");
        }
        if (isMissing(connection, part)) {
            Instant now = clock.instant();
            AppealFunds funds = AppealFunds.require(connection, part.appealSlug());
            long id = insertResolution(connection, null, null, part.partId(), Action.WRITE_OFF, part.appealSlug(), 0, part.amountPence(), 0, who, why, now);
            String key = "resolution:" + id + ":write-off";
            insertPartSettlement(connection, part, FundSplit.ZERO, part.split(), id, now);
            Ledger.AppealBatch batch = ledger.openBatch(connection, part.appealSlug());
            batch.post(List.of(SettlementJournals.writeOff(funds, part.network(), part.split(), part.donationId(), key,
                    "decision " + id + ": the network will never pay this charge")), List.of(-part.split().designatedPence()), now);
            batch.close();
            return new Outcome.Resolved(id, Action.WRITE_OFF, 0, part.amountPence(), 0);
        }
        return new Outcome.Refused("charge part " + target.partId() + " is not missing: no report covers its network and month yet,"
                + " or an undecided report line points at it (decide that line)");
    }

    private static boolean isMissing(Connection connection, PartFacts part) throws SQLException {
        Period period = Period.of(part.chargedAt());
        try (PreparedStatement select = connection.prepareStatement(
                "select exists (select 1 from settlement_import where network = ? and period = ?) and exists (select 1" + Reconciliation.MISSING_FROM
                        + " and p.id = ?)")) {
            select.setString(1, part.network());
            select.setObject(2, period.firstDay());
            select.setString(3, part.network());
            select.setTimestamp(4, Timestamp.from(period.start()));
            select.setTimestamp(5, Timestamp.from(period.end()));
            select.setLong(6, part.partId());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static LineFacts loadLine(Connection connection, Target.Line target) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select l.class, l.status, l.amount_pence, l.part_id, exists (select 1 from settlement_resolution sr where sr.import_id = l.import_id"
                        + " and sr.line_no = l.line_no) from settlement_line l where l.import_id = ? and l.line_no = ?")) {
            select.setLong(1, target.importId());
            select.setLong(2, target.lineNo());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                long part = row.getLong(4);
                return new LineFacts(row.getString(1), row.getString(2), row.getLong(3), row.wasNull() ? null : part, row.getBoolean(5));
            }
        }
    }

    private static String onlyAppeal(Connection connection) throws SQLException {
        List<AppealFunds> appeals = AppealFunds.all(connection);
        return appeals.size() == 1 ? appeals.getFirst().appealSlug() : null;
    }

    private static long insertResolution(Connection connection, Long importId, Long lineNo, Long partId, Action action, String appealSlug,
                                         long settledPence, long writtenOffPence, long suspensePence, String who, String why, Instant now) throws SQLException {
        long id = Sequences.reserve(connection, "settlement_resolution_id_seq", 1)[0];
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into settlement_resolution (id, import_id, line_no, part_id, action, appeal_slug, settled_pence, written_off_pence,"
                        + " suspense_pence, resolved_by, reason, resolved_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setObject(2, importId);
            insert.setObject(3, lineNo);
            insert.setObject(4, partId);
            insert.setString(5, action.name());
            insert.setString(6, appealSlug);
            insert.setLong(7, settledPence);
            insert.setLong(8, writtenOffPence);
            insert.setLong(9, suspensePence);
            insert.setString(10, who);
            insert.setString(11, why);
            insert.setTimestamp(12, Timestamp.from(now));
            insert.executeUpdate();
        }
        return id;
    }

    private static void insertPartSettlement(Connection connection, PartFacts part, FundSplit settled, FundSplit writtenOff, long resolutionId,
                                             Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into part_settlement (part_id, appeal_slug, network, settled_pence, designated_pence, overflow_pence, suspense_pence,"
                        + " written_off_pence, written_off_designated, written_off_overflow, written_off_suspense, resolution_id, settled_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, part.partId());
            insert.setString(2, part.appealSlug());
            insert.setString(3, part.network());
            insert.setLong(4, settled.totalPence());
            insert.setLong(5, settled.designatedPence());
            insert.setLong(6, settled.overflowPence());
            insert.setLong(7, settled.suspensePence());
            insert.setLong(8, writtenOff.totalPence());
            insert.setLong(9, writtenOff.designatedPence());
            insert.setLong(10, writtenOff.overflowPence());
            insert.setLong(11, writtenOff.suspensePence());
            insert.setLong(12, resolutionId);
            insert.setTimestamp(13, Timestamp.from(now));
            insert.executeUpdate();
        }
    }
}
