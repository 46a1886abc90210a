package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one charge part's money is, read in the caller's transaction: how it was booked (to the
 * funds, to suspense, or not at all yet), its split, and what settlement and refunds did to it.
 *
 * @param split       the part's share of its donation's booked fund split
 * @param settled     what a network paid of it (split designated-first)
 * @param writtenOff  what staff decided the network will never pay
 * @param refundId    the refund that gave it back to the donor, if any
 */
record PartFacts(long partId, long donationId, int partNo, long amountPence, String appealSlug, String network, Booking booking,
                 String donationState, Instant chargedAt, FundSplit split, FundSplit settled, FundSplit writtenOff, Long refundId) {

    /** Where the part's money was booked. */
    enum Booking {
        /** A charged part of a charged donation: in the appeal's funds (CHARGE journal). */
        FUNDS,
        /** A part charged for a donation that failed: in suspense (PARTIAL_CHARGE journal). */
        SUSPENSE,
        /** Not charged, or its donation not yet booked: there is no money here to settle or refund. */
        NONE
    }

    boolean booked() {
        return booking != Booking.NONE;
    }

    boolean settledOrWrittenOff() {
        return settled.totalPence() + writtenOff.totalPence() > 0;
    }

    /** What a refund would give back now: everything not written off, once. */
    FundSplit refundable() {
        return !booked() || refundId != null ? FundSplit.ZERO : split.minus(writtenOff);
    }

    /** Nothing has happened to the money since it was charged: a network may still pay it. */
    boolean outstanding() {
        return booked() && refundId == null && !settledOrWrittenOff();
    }

    private static final String SELECT = "select p.id, p.donation_id, p.part_no, p.amount_pence, d.appeal_slug, coalesce(d.network, 'unknown'),"
            + " case when p.state = 'CHARGED' and d.state = 'CHARGED' then 'FUNDS' when p.state = 'CHARGED' and d.state = 'FAILED' then 'SUSPENSE' else 'NONE' end,"
            + " d.state, p.resolved_at,"
            + " (select coalesce(sum(q.amount_pence), 0) from charge_part q where q.donation_id = p.donation_id and q.part_no < p.part_no),"
            + " (select -pd.amount_pence from journal cj join posting pd on pd.journal_id = cj.id join account ad on ad.id = pd.account_id"
            + "   where cj.idempotency_key = 'charge:donation:' || d.id and ad.code = 'appeal:' || d.appeal_slug || ':fund:' || a.designated_fund),"
            + " ps.designated_pence, ps.overflow_pence, ps.suspense_pence, ps.written_off_designated, ps.written_off_overflow, ps.written_off_suspense, r.id"
            + " from charge_part p join donation d on d.id = p.donation_id join appeal a on a.slug = d.appeal_slug"
            + " left join part_settlement ps on ps.part_id = p.id left join refund r on r.part_id = p.id";

    static Optional<PartFacts> ofPart(Connection connection, long partId) throws SQLException {
        List<PartFacts> parts = select(connection, SELECT + " where p.id = ?", partId);
        return parts.isEmpty() ? Optional.empty() : Optional.of(parts.getFirst());
    }

    static List<PartFacts> ofDonation(Connection connection, long donationId) throws SQLException {
        return select(connection, SELECT + " where p.donation_id = ? order by p.part_no", donationId);
    }

    /** Many parts in one query, in no particular order. */
    static Map<Long, PartFacts> ofParts(Connection connection, long[] partIds) throws SQLException {
        Map<Long, PartFacts> parts = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT + " where p.id = any(?)")) {
            select.setArray(1, connection.createArrayOf("bigint", java.util.Arrays.stream(partIds).boxed().toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    PartFacts part = read(rows);
                    parts.put(part.partId(), part);
                }
            }
        }
        return parts;
    }

    private static List<PartFacts> select(Connection connection, String sql, long id) throws SQLException {
        List<PartFacts> parts = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    parts.add(read(row));
                }
            }
        }
        return parts;
    }

    private static PartFacts read(ResultSet row) throws SQLException {
        long amount = row.getLong(4);
        Booking booking = Booking.valueOf(row.getString(7));
        long designated = row.getLong(11); // null (no charge journal) reads as 0
        FundSplit split = switch (booking) {
            case FUNDS -> FundSplit.ofPart(amount, row.getLong(10), designated);
            case SUSPENSE -> FundSplit.suspense(amount);
            case NONE -> FundSplit.ZERO;
        };
        FundSplit settled = new FundSplit(row.getLong(12), row.getLong(13), row.getLong(14));
        FundSplit writtenOff = new FundSplit(row.getLong(15), row.getLong(16), row.getLong(17));
        long refund = row.getLong(18);
        Long refundId = row.wasNull() ? null : refund;
        java.sql.Timestamp chargedAt = row.getTimestamp(9);
        return new PartFacts(row.getLong(1), row.getLong(2), row.getInt(3), amount, row.getString(5), row.getString(6), booking,
                row.getString(8), chargedAt == null ? null : chargedAt.toInstant(), split, settled, writtenOff, refundId);
    }
}
