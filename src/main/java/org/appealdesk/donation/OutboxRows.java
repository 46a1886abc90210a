package org.appealdesk.donation;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.sms.OutboundMessage;

/**
 * Collects the outbox rows a batch produces and writes them in one statement, in the same
 * transaction as their cause. With a {@link HandoffBatch}, rows whose destination the batch
 * knows are written already claimed, as far as the handoff has room, and reach the sender in
 * memory after the commit; the rest are written PENDING for the sender's database claim.
 */
final class OutboxRows {

    enum Kind { CHARGE, THANK_YOU, REPLY }

    /**
     * Where a row goes, when the batch knows it: the number in clear (the text it answers came
     * from it) or as stored (sealed). Held in memory only, never written by this class.
     */
    record Destination(PhoneNumber number, byte[] sealed) {
        static Destination of(PhoneNumber number) {
            return new Destination(number, null);
        }

        /** Null when the donor's number was erased: such a row is left to the database claim, which refuses it. */
        static Destination sealed(byte[] sealed) {
            return sealed == null ? null : new Destination(null, sealed);
        }
    }

    private record Row(long donorId, Kind kind, String shortcode, String body, Money price, String requestId, String network,
                       Destination destination) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final HandoffBatch handoff;

    /** @param handoff where rows written as claimed go after the commit; null writes every row PENDING */
    OutboxRows(HandoffBatch handoff) {
        this.handoff = handoff;
    }

    /** Adds a free message; {@code destination} may be null (the sender's claim then reads it). */
    void free(long donorId, Kind kind, String shortcode, String body, String network, Destination destination) {
        rows.add(new Row(donorId, kind, shortcode, body, null, null, network, destination));
    }

    /** Adds a billed message; returns its index, so the caller can learn its id after {@link #write}. */
    int billed(long donorId, String shortcode, String body, Money price, String requestId, String network, Destination destination) {
        rows.add(new Row(donorId, Kind.CHARGE, shortcode, body, price, requestId, network, destination));
        return rows.size() - 1;
    }

    /** How many rows there are: {@link #write} takes as many ids, which link charge parts to their rows. */
    int size() {
        return rows.size();
    }

    /** Adds the insert of every row, with the ids reserved for them ({@link #size} of them, ascending), to {@code pipeline}. */
    void write(Pipeline pipeline, long[] ids, Instant at) throws SQLException {
        if (ids.length != rows.size()) {
            throw new IllegalArgumentException(ids.length + " ids for " + rows.size() + " messages");
        }
        Claim claim = claimRows();
        insert(ids, claim.rows(), at).addTo(pipeline);
        handOff(claim, () -> ids);
    }

    /**
     * Adds the insert of every row to {@code pipeline}, each given a fresh id by the statement.
     * The statement draws the ids in row order (nextval per row of the unnest, in order), so the
     * ids it returns, sorted, are the rows' ids in order.
     */
    void writeWithFreshIds(Pipeline pipeline, Instant at) throws SQLException {
        Claim claim = claimRows();
        ArrayInsert insert = insert(null, claim.rows(), at).generatedId("id", "outbox_id_seq");
        if (claim.ticket() == null || claim.ticket().granted() == 0) {
            insert.addTo(pipeline);
            return;
        }
        long[] ids = new long[rows.size()];
        insert.addTo(pipeline, "returning id", returned -> {
            int i = 0;
            while (returned.next()) {
                ids[i++] = returned.getLong(1);
            }
            Arrays.sort(ids, 0, i);
        });
        handOff(claim, () -> ids);
    }

    /** Which rows are written as claimed, and the handoff's room for them (null without a handoff). */
    private record Claim(boolean[] rows, Handoff.Ticket ticket) {
    }

    /** Which rows are written as claimed: those with a destination, as far as the handoff grants room. */
    private Claim claimRows() {
        boolean[] claimed = new boolean[rows.size()];
        if (handoff == null) {
            return new Claim(claimed, null);
        }
        int eligible = (int) rows.stream().filter(row -> row.destination() != null).count();
        Handoff.Ticket ticket = handoff.reserve(eligible);
        int left = ticket.granted();
        for (int i = 0; i < claimed.length && left > 0; i++) {
            if (rows.get(i).destination() != null) {
                claimed[i] = true;
                left--;
            }
        }
        return new Claim(claimed, ticket);
    }

    /** Registers the claimed rows with the handoff: their messages and ids, read after the commit (or failure), when {@code ids} holds the rows' ids. */
    private void handOff(Claim claim, Supplier<long[]> ids) {
        Handoff.Ticket ticket = claim.ticket();
        if (ticket == null || ticket.granted() == 0) {
            return;
        }
        boolean[] claimed = claim.rows();
        Supplier<List<Long>> claimedIds = () -> {
            long[] rowIds = ids.get();
            List<Long> out = new ArrayList<>(ticket.granted());
            for (int i = 0; i < claimed.length; i++) {
                if (claimed[i]) {
                    out.add(rowIds[i]);
                }
            }
            return out;
        };
        handoff.claimed(ticket, () -> {
            Iterator<Long> rowIds = claimedIds.get().iterator();
            List<OutboundMessage> messages = new ArrayList<>(ticket.granted());
            for (int i = 0; i < claimed.length; i++) {
                if (claimed[i]) {
                    Row row = rows.get(i);
                    Destination to = row.destination();
                    PhoneNumber number = to.number() != null ? to.number() : handoff.open(to.sealed());
                    messages.add(new OutboundMessage(rowIds.next(), number, row.shortcode(), row.body(), row.price(), row.requestId(), row.network()));
                }
            }
            return messages;
        }, claimedIds);
    }

    /** The insert of every row, with {@code ids}, or without the id column when they are null. */
    private ArrayInsert insert(long[] ids, boolean[] claimed, Instant at) {
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
        Timestamp[] claimedAt = new Timestamp[n];
        Integer[] attempts = new Integer[n];
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
            // A row handed to the sender in memory is written as the database claim would leave it.
            states[i] = claimed[i] ? "SENDING" : "PENDING";
            claimedAt[i] = claimed[i] ? now : null;
            attempts[i] = claimed[i] ? 1 : 0;
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
                .column("claimed_at", "timestamptz", claimedAt).column("attempts", "int", attempts)
                .column("due_at", "timestamptz", times).column("created_at", "timestamptz", times);
    }
}
