package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Sequences;

/**
 * Collects the outbox rows a batch produces and writes them in one JDBC batch, in the same
 * transaction as their cause.
 */
final class OutboxRows {

    enum Kind { CHARGE, THANK_YOU, REPLY }

    private record Row(long donorId, Kind kind, String shortcode, String body, Money price, String requestId, String network) {
    }

    private final List<Row> rows = new ArrayList<>();

    void free(long donorId, Kind kind, String shortcode, String body, String network) {
        rows.add(new Row(donorId, kind, shortcode, body, null, null, network));
    }

    /** Adds a billed message; returns its index, so the caller can learn its id after {@link #write}. */
    int billed(long donorId, String shortcode, String body, Money price, String requestId, String network) {
        rows.add(new Row(donorId, Kind.CHARGE, shortcode, body, price, requestId, network));
        return rows.size() - 1;
    }

    /** Reserves ids for every row so far; call before {@link #write} to link charge parts to them. */
    long[] reserveIds(Connection connection) throws SQLException {
        return Sequences.reserve(connection, "outbox_id_seq", rows.size());
    }

    void write(Connection connection, long[] ids, Instant at) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into outbox (id, donor_id, kind, shortcode, body, price_pence, request_id, network, state, due_at, created_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)")) {
            Timestamp now = Timestamp.from(at);
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                insert.setLong(1, ids[i]);
                insert.setLong(2, row.donorId());
                insert.setString(3, row.kind().name());
                insert.setString(4, row.shortcode());
                insert.setString(5, row.body());
                if (row.price() == null) {
                    insert.setNull(6, java.sql.Types.BIGINT);
                } else {
                    insert.setLong(6, row.price().pence());
                }
                insert.setString(7, row.requestId());
                insert.setString(8, row.network());
                insert.setTimestamp(9, now);
                insert.setTimestamp(10, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    void writeWithFreshIds(Connection connection, Instant at) throws SQLException {
        write(connection, reserveIds(connection), at);
    }
}
