package org.appealdesk.donation;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.platform.Sequences;

/**
 * Collects the outbox rows a batch produces and writes them in one statement, in the same
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

    /**
     * Adds a reservation of ids for every row so far to {@code pipeline}; the array is filled when
     * it runs. Call before {@link #write} to link charge parts to the rows.
     */
    long[] reserveIds(Pipeline pipeline) {
        return Sequences.reserve(pipeline, "outbox_id_seq", rows.size());
    }

    /** Adds the insert of every row, with the ids reserved for them, to {@code pipeline}. */
    void write(Pipeline pipeline, long[] ids, Instant at) throws SQLException {
        insert(ids, at).addTo(pipeline);
    }

    /** Adds the insert of every row to {@code pipeline}, each given a fresh id by the statement. */
    void writeWithFreshIds(Pipeline pipeline, Instant at) throws SQLException {
        insert(null, at).generatedId("id", "outbox_id_seq").addTo(pipeline);
    }

    /** The insert of every row, with {@code ids}, or without the id column when they are null. */
    private ArrayInsert insert(long[] ids, Instant at) {
        int n = rows.size();
        Long[] idColumn = new Long[n];
        Long[] donorIds = new Long[n];
        String[] kinds = new String[n];
        String[] shortcodes = new String[n];
        String[] bodies = new String[n];
        Long[] prices = new Long[n];
        String[] requestIds = new String[n];
        String[] networks = new String[n];
        String[] states = new String[n];
        Timestamp[] times = new Timestamp[n];
        Timestamp now = Timestamp.from(at);
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            idColumn[i] = ids == null ? null : ids[i];
            donorIds[i] = row.donorId();
            kinds[i] = row.kind().name();
            shortcodes[i] = row.shortcode();
            bodies[i] = row.body();
            prices[i] = row.price() == null ? null : row.price().pence();
            requestIds[i] = row.requestId();
            networks[i] = row.network();
            states[i] = "PENDING";
            times[i] = now;
        }
        // due_at and created_at are both "now": the same array twice.
        ArrayInsert insert = ArrayInsert.into("outbox", n);
        if (ids != null) {
            insert.column("id", "bigint", idColumn);
        }
        return insert.column("donor_id", "bigint", donorIds).column("kind", "text", kinds)
                .column("shortcode", "text", shortcodes).column("body", "text", bodies).column("price_pence", "bigint", prices)
                .column("request_id", "text", requestIds).column("network", "text", networks).column("state", "text", states)
                .column("due_at", "timestamptz", times).column("created_at", "timestamptz", times);
    }
}
