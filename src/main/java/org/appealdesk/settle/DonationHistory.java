package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;

/**
 * One donation's story, for staff and for the donor's questions: its charge parts, its journals,
 * the report lines about it, its settlement and its refunds, in time order. It shows no phone number.
 */
public record DonationHistory(long donationId, String appealSlug, String channel, long amountPence, String state, String network,
                              long refundedPence, List<Event> events) {

    public DonationHistory {
        events = List.copyOf(events);
    }

    public record Event(Instant at, String kind, String detail) {
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("donation", donationId);
        json.put("appeal", appealSlug);
        json.put("channel", channel);
        json.put("amountPence", amountPence);
        json.put("state", state);
        json.put("network", network);
        json.put("refundedPence", refundedPence);
        json.put("events", events.stream().map(e -> Map.of("at", e.at().toString(), "kind", e.kind(), "detail", e.detail())).toList());
        return json;
    }

    /** Reads the history; empty when there is no such donation. */
    public static Optional<DonationHistory> read(Database database, long donationId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select appeal_slug, channel, amount_pence, state, network, created_at, reason from donation where id = ?")) {
                select.setLong(1, donationId);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    List<Event> events = new ArrayList<>();
                    events.add(new Event(row.getTimestamp(6).toInstant(), "CREATED", Money.ofPence(row.getLong(3)) + " by " + row.getString(2)
                            + (row.getString(7) == null ? "" : " (" + row.getString(7) + ")")));
                    long refunded = events(connection, donationId, events);
                    events.sort(Comparator.comparing(Event::at));
                    return Optional.of(new DonationHistory(donationId, row.getString(1), row.getString(2), row.getLong(3), row.getString(4),
                            row.getString(5), refunded, events));
                }
            }
        });
    }

    private static long events(Connection connection, long donationId, List<Event> events) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select part_no, amount_pence, state, reason, request_id, resolved_at, submitted_at from charge_part where donation_id = ? order by part_no")) {
            select.setLong(1, donationId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Timestamp at = rows.getTimestamp(6) != null ? rows.getTimestamp(6) : rows.getTimestamp(7);
                    if (at != null) {
                        events.add(new Event(at.toInstant(), "PART_" + rows.getString(3), "part " + rows.getInt(1) + " of " + Money.ofPence(rows.getLong(2))
                                + " (request " + rows.getString(5) + ")" + (rows.getString(4) == null ? "" : ": " + rows.getString(4))));
                    }
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select j.created_at, j.kind, j.id, j.memo, coalesce(sum(p.amount_pence) filter (where p.amount_pence > 0), 0)"
                        + " from journal j join posting p on p.journal_id = j.id where j.donation_id = ? group by j.id order by j.id")) {
            select.setLong(1, donationId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new Event(rows.getTimestamp(1).toInstant(), "JOURNAL_" + rows.getString(2), "journal " + rows.getLong(3) + " of "
                            + Money.ofPence(rows.getLong(5)) + (rows.getString(4) == null ? "" : ": " + rows.getString(4))));
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select i.imported_at, l.import_id, l.line_no, l.class, l.status, l.amount_pence, i.network, i.period, l.note"
                        + " from settlement_line l join settlement_import i on i.id = l.import_id join charge_part p on p.id = l.part_id"
                        + " where p.donation_id = ? order by l.import_id, l.line_no")) {
            select.setLong(1, donationId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new Event(rows.getTimestamp(1).toInstant(), "REPORT_LINE", rows.getString(7) + " report " + rows.getLong(2) + " line "
                            + rows.getLong(3) + ": " + rows.getString(5).toLowerCase(java.util.Locale.ROOT) + " " + Money.ofPence(rows.getLong(6)) + ", "
                            + LineClass.valueOf(rows.getString(4)).description() + (rows.getString(9) == null ? "" : " (" + rows.getString(9) + ")")));
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select ps.settled_at, ps.settled_pence, ps.written_off_pence, p.part_no, ps.import_id, ps.resolution_id"
                        + " from part_settlement ps join charge_part p on p.id = ps.part_id where p.donation_id = ?")) {
            select.setLong(1, donationId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long resolution = rows.getLong(6);
                    String source = rows.wasNull() ? "report " + rows.getLong(5) : "staff decision " + resolution;
                    events.add(new Event(rows.getTimestamp(1).toInstant(), "SETTLED", "part " + rows.getInt(4) + ": network paid "
                            + Money.ofPence(rows.getLong(2)) + (rows.getLong(3) > 0 ? ", written off " + Money.ofPence(rows.getLong(3)) : "") + " (" + source + ")"));
                }
            }
        }
        long refunded = 0;
        try (PreparedStatement select = connection.prepareStatement(
                "select r.created_at, r.id, r.source, r.amount_pence, r.requested_by, r.reason, p.part_no from refund r join charge_part p on p.id = r.part_id"
                        + " where r.donation_id = ? order by r.id")) {
            select.setLong(1, donationId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    refunded += rows.getLong(4);
                    events.add(new Event(rows.getTimestamp(1).toInstant(), "REFUNDED", "refund " + rows.getLong(2) + " (" + rows.getString(3).toLowerCase(java.util.Locale.ROOT)
                            + ") of part " + rows.getInt(7) + ": " + Money.ofPence(rows.getLong(4)) + " by " + rows.getString(5) + ": " + rows.getString(6)));
                }
            }
        }
        return refunded;
    }
}
