package org.appealdesk.donation;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.Replies;

/**
 * One group-committed batch of {@link ChargeEvent}s, applied in bulk: a fixed number of SQL
 * statements per batch (arrays in, arrays out) whatever its size, because a statement per event
 * made the single events writer the pipeline's bottleneck (about ten round trips per event).
 * Each phase sends its statements together in one {@link Pipeline} (one round trip), and the
 * write-back is left in the caller's pipeline, to go with the ledger's first statements.
 *
 * <p>The phases: (1) move outbox rows, set-wise; (2) find every charge part the batch touches, link
 * accepted message ids to their parts (in memory) and store the reports, those whose part is known
 * already marked applied; (3) lock the donations involved in
 * id order (so concurrent writers cannot deadlock on each other over donations) and load them with their parts;
 * (4) apply the lifecycle in memory, event by event in arrival order; (5) write back the changed
 * parts, the donation compare-and-sets, the replies and the ledger journals.
 *
 * <p>Every bulk update has one plan-proof shape: the rows are found by "key = any(?keys)" (an
 * index scan whatever the statistics say) and each row's new values are read from parallel
 * arrays at "width_bucket(key, ?keys)", with the keys sorted and without repeats: width_bucket
 * is a binary search, and for a key equal to the i-th bound it returns i. Joining the rows to
 * "unnest(...)" instead left the plan to the planner's estimates, which are wrong by design here:
 * a transient state such as SENDING is always rare in the statistics, so it chose a nested loop
 * that scanned the whole array for every row (quadratic: 55,000 comparisons and 17 ms for 234
 * outbox rows, seen with -Dappealdesk.autoExplainMs). array_position would have been quadratic
 * too, only cheaper per step.
 *
 * <p>Times go to PostgreSQL in arrays as UTC text ("2026-10-25T01:30:00Z"): the driver writes a
 * Timestamp inside an array as local wall-clock time without an offset, which is ambiguous in
 * the hour the clocks go back.
 *
 * <p>Order tolerance: a report may overtake the acceptance of its message (it waits in
 * charge_report until the part is linked), duplicates of a report are counted and ignored, and
 * the lifecycle ignores events for parts already final, so every interleaving books money once.
 */
final class ChargeEventBatch {

    private final Connection connection;
    /** Each phase's statements, sent together; after {@link #apply}, the write-back, not yet sent. */
    private final Pipeline pipeline;
    private final Instant now;
    private final AppealCatalog catalog;
    private final List<ChargeEvent> events;

    /** Per event: whether it changed anything (for callers' logs and metrics). */
    private final boolean[] changed;
    /** Outbox rows moved out of SENDING by this batch, by the kind of event that moved them. */
    private final Set<Long> outboxMoved = new HashSet<>();
    /** Reports stored for the first time by this batch, by network message id. */
    private final Set<String> reportsNew = new HashSet<>();
    /** Reports waiting for their part (stored earlier or now), by network message id. */
    private final Map<String, ChargeReport> reportsWaiting = new HashMap<>();
    /** Reports applied by this batch (each at most once). */
    private final Set<String> reportsApplied = new HashSet<>();
    /** Reports this batch stored already marked applied, because their part was known. */
    private final Set<String> reportsStoredApplied = new HashSet<>();
    /** Charge parts touched by the batch, found by each key an event may carry. */
    private final Map<Long, PartRef> partByOutbox = new HashMap<>();
    private final Map<String, PartRef> partByMessageId = new HashMap<>();
    private final Map<Long, PartRef> partById = new HashMap<>();
    private final Map<String, PartRef> partByRequestId = new HashMap<>();
    /** Locked donations with their current snapshot. */
    private final Map<Long, LoadedDonation> donations = new TreeMap<>();
    private final Map<Long, DonationState> donationStateBefore = new HashMap<>();
    private final Map<Long, ChargePart> partsChanged = new LinkedHashMap<>();
    /** Network message ids learnt by this batch for parts that had none, by part id. */
    private final Map<Long, String> partLinks = new LinkedHashMap<>();

    final OutboxRows replies;
    final List<LedgerBookings.Booking> bookings = new ArrayList<>();

    /** Which donation and part a row belongs to. */
    record PartRef(long partId, long donationId, int partNo, Long outboxId, String networkMessageId, String requestId) {
    }

    /** @param replies where the batch's thank-yous and replies are collected (with or without a handoff) */
    ChargeEventBatch(Pipeline pipeline, Instant now, AppealCatalog catalog, List<ChargeEvent> events, OutboxRows replies) {
        this.replies = replies;
        this.connection = pipeline.connection();
        this.pipeline = pipeline;
        this.now = now;
        this.catalog = catalog;
        this.events = events;
        this.changed = new boolean[events.size()];
    }

    /**
     * Runs every phase; returns, per event, whether it changed anything. The write-back is left in
     * the pipeline: the caller adds its own statements and runs it.
     */
    List<Boolean> apply() throws SQLException {
        moveOutboxRows();
        pipeline.run();
        findParts();
        storeReports();
        Map<Long, Object[]> donationRows = new HashMap<>();
        Map<Long, List<ChargePart>> donationParts = new HashMap<>();
        lockDonations(donationRows, donationParts);
        pipeline.run();
        loadDonations(donationRows, donationParts);
        for (int i = 0; i < events.size(); i++) {
            changed[i] = applyInMemory(events.get(i));
        }
        writeParts();
        writeDonations();
        markReportsApplied();
        List<Boolean> result = new ArrayList<>(events.size());
        for (boolean c : changed) {
            result.add(c);
        }
        return result;
    }

    // ---- phase 1: outbox rows; and the reports, stored once phase 2 has found their parts -----

    /**
     * Up to four updates, each locking its own rows. With several writers, two batches can hold an
     * answer each for the same two rows (an acceptance goes by message id, the others by outbox id)
     * and lock them in opposite orders: PostgreSQL then breaks the deadlock by failing one batch,
     * whose events are tried again alone. Rare (two answers for one message), and never with one writer.
     */
    private void moveOutboxRows() throws SQLException {
        // By outbox id, sorted (see the class comment); the first answer for a row wins, as only it can move the row.
        SortedMap<Long, String> sent = new TreeMap<>();
        SortedMap<Long, String> finishedStates = new TreeMap<>();
        SortedMap<Long, String> finishedErrors = new TreeMap<>();
        SortedMap<Long, String> retryAt = new TreeMap<>();
        for (ChargeEvent event : events) {
            switch (event) {
                case ChargeEvent.Accepted a -> sent.putIfAbsent(a.outboxId(), a.networkMessageId());
                case ChargeEvent.Refused r -> {
                    if (finishedStates.putIfAbsent(r.outboxId(), "REFUSED") == null) {
                        finishedErrors.put(r.outboxId(), r.errorCode());
                    }
                }
                case ChargeEvent.NoAnswer n -> {
                    if (finishedStates.putIfAbsent(n.outboxId(), "UNKNOWN") == null) {
                        finishedErrors.put(n.outboxId(), "no submit response");
                    }
                }
                case ChargeEvent.RetryLater r -> retryAt.putIfAbsent(r.outboxId(), utc(now.plus(r.delay())));
                case ChargeEvent.ClaimAbandoned c -> {
                    // Decided per row below: a billed message becomes UNKNOWN, a free one goes again.
                }
                case ChargeEvent.Reported r -> {
                }
                case ChargeEvent.ReportOverdue o -> {
                }
                case ChargeEvent.UnknownExpired e -> {
                }
                case ChargeEvent.ProviderOutcome p -> {
                }
            }
        }
        abandonClaims();
        addReturningIds(outboxMoved, sent.size(),
                "update outbox o set state = 'SENT', network_message_id = a.message_ids[width_bucket(o.id, a.ids)]"
                        + " from (select ?::bigint[] as ids, ?::text[] as message_ids) a where o.id = any(a.ids) and o.state = 'SENDING' returning o.id",
                longs(sent.keySet()), texts(sent.values()));
        addReturningIds(outboxMoved, finishedStates.size(),
                "update outbox o set state = a.states[width_bucket(o.id, a.ids)], error = a.errors[width_bucket(o.id, a.ids)]"
                        + " from (select ?::bigint[] as ids, ?::text[] as states, ?::text[] as errors) a"
                        + " where o.id = any(a.ids) and o.state = 'SENDING' returning o.id",
                longs(finishedStates.keySet()), texts(finishedStates.values()), texts(finishedErrors.values()));
        addReturningIds(outboxMoved, retryAt.size(),
                "update outbox o set state = 'PENDING', claimed_at = null, due_at = a.due_at[width_bucket(o.id, a.ids)]::timestamptz"
                        + " from (select ?::bigint[] as ids, ?::text[] as due_at) a where o.id = any(a.ids) and o.state = 'SENDING' returning o.id",
                longs(retryAt.keySet()), texts(retryAt.values()));
    }

    /**
     * Claims abandoned by a dead sender: billed rows become UNKNOWN (maybe sent), free rows are due
     * again, and so unclaimed (claimed_at null is what the claim's index holds: V11).
     */
    private void abandonClaims() throws SQLException {
        List<Long> abandoned = new ArrayList<>();
        for (ChargeEvent event : events) {
            if (event instanceof ChargeEvent.ClaimAbandoned c) {
                abandoned.add(c.outboxId());
            }
        }
        if (abandoned.isEmpty()) {
            return;
        }
        addReturningIds(outboxMoved, abandoned.size(),
                "update outbox set state = case when kind = 'CHARGE' then 'UNKNOWN' else 'PENDING' end,"
                        + " claimed_at = case when kind = 'CHARGE' then claimed_at end,"
                        // A billed row keeps due_at too, so its change to UNKNOWN can be HOT (V11).
                        + " due_at = case when kind = 'CHARGE' then due_at else ? end,"
                        + " error = case when kind = 'CHARGE' then 'claim abandoned' else error end"
                        + " where id = any(?) and state = 'SENDING' returning id",
                Timestamp.from(now), longs(abandoned));
    }

    /**
     * Stores each report once by message id; repeats (in this batch or before) only count. A new
     * report whose part is known is applied by this batch, so it is stored with applied_at set
     * rather than inserted and then updated.
     */
    private void storeReports() throws SQLException {
        Map<String, ChargeReport> first = new LinkedHashMap<>();
        Map<String, Integer> repeats = new HashMap<>();
        for (ChargeEvent event : events) {
            if (event instanceof ChargeEvent.Reported r) {
                if (first.putIfAbsent(r.report().networkMessageId(), r.report()) != null) {
                    repeats.merge(r.report().networkMessageId(), 1, Integer::sum);
                }
            }
        }
        if (first.isEmpty()) {
            return;
        }
        int n = first.size();
        String[] ids = new String[n];
        Boolean[] delivered = new Boolean[n];
        String[] reasons = new String[n];
        Boolean[] permanent = new Boolean[n];
        Timestamp[] reportedAt = new Timestamp[n];
        Timestamp[] receivedAt = new Timestamp[n];
        Integer[] repeatCounts = new Integer[n];
        Timestamp[] appliedAt = new Timestamp[n];
        int i = 0;
        for (ChargeReport report : first.values()) {
            ids[i] = report.networkMessageId();
            receivedAt[i] = Timestamp.from(now);
            appliedAt[i] = partByMessageId.containsKey(report.networkMessageId()) ? Timestamp.from(now) : null;
            switch (report) {
                case ChargeReport.Delivered d -> {
                    delivered[i] = true;
                    reasons[i] = null;
                    permanent[i] = null;
                }
                case ChargeReport.Declined d -> {
                    delivered[i] = false;
                    reasons[i] = d.reason();
                    permanent[i] = d.permanent();
                }
            }
            reportedAt[i] = Timestamp.from(report.reportedAt());
            repeatCounts[i] = repeats.getOrDefault(report.networkMessageId(), 0);
            i++;
        }
        ArrayInsert.into("charge_report", n).column("network_message_id", "text", ids)
                .column("delivered", "boolean", delivered).column("reason", "text", reasons).column("permanent", "boolean", permanent)
                .column("reported_at", "timestamptz", reportedAt).column("received_at", "timestamptz", receivedAt)
                .column("repeats", "int", repeatCounts).column("applied_at", "timestamptz", appliedAt)
                .addTo(pipeline, "on conflict (network_message_id) do update set repeats = charge_report.repeats + excluded.repeats + 1"
                        + " returning network_message_id, (xmax = 0)", rows -> {
                    while (rows.next()) {
                        if (rows.getBoolean(2)) {
                            String id = rows.getString(1);
                            reportsNew.add(id);
                            reportsWaiting.put(id, first.get(id));
                            if (partByMessageId.containsKey(id)) {
                                reportsStoredApplied.add(id);
                            }
                        }
                    }
                });
    }

    // ---- phase 2: the parts the batch touches -------------------------------------------------

    private void findParts() throws SQLException {
        List<Long> outboxIds = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        List<Long> partIds = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        Map<Long, String> acceptedIds = new LinkedHashMap<>();
        for (ChargeEvent event : events) {
            switch (event) {
                case ChargeEvent.Accepted a -> {
                    if (outboxMoved.contains(a.outboxId())) {
                        outboxIds.add(a.outboxId());
                        acceptedIds.putIfAbsent(a.outboxId(), a.networkMessageId()); // the id the outbox row got
                    }
                }
                case ChargeEvent.Refused r -> outboxIds.add(r.outboxId());
                case ChargeEvent.NoAnswer n -> outboxIds.add(n.outboxId());
                case ChargeEvent.ClaimAbandoned c -> outboxIds.add(c.outboxId());
                case ChargeEvent.RetryLater r -> {
                }
                case ChargeEvent.Reported r -> messageIds.add(r.report().networkMessageId());
                case ChargeEvent.ReportOverdue o -> partIds.add(o.partId());
                case ChargeEvent.UnknownExpired e -> partIds.add(e.partId());
                case ChargeEvent.ProviderOutcome p -> requestIds.add(p.requestId());
            }
        }
        // One indexed lookup per kind of key: an "or" of several "= any(?)" made PostgreSQL scan the table.
        selectParts("outbox_id", longs(outboxIds), outboxIds.size());
        selectParts("network_message_id", texts(messageIds), messageIds.size());
        selectParts("id", longs(partIds), partIds.size());
        selectParts("request_id", texts(requestIds), requestIds.size());
        loadWaitingReports(new ArrayList<>(acceptedIds.values()));
        pipeline.run();
        linkAcceptedParts(acceptedIds);
    }

    /**
     * An accepted billed message tells us its part's network message id. The link is made here in
     * memory, so a report later in this batch finds its part, and written with the part's new state
     * in {@link #writeParts}: one row version per part and batch instead of two (a version that is
     * not HOT, as the acceptance's is, costs an entry in each index that covers it: six of the
     * seven). A part linked before keeps its id.
     */
    private void linkAcceptedParts(Map<Long, String> acceptedIds) {
        acceptedIds.forEach((outboxId, messageId) -> {
            PartRef part = partByOutbox.get(outboxId);
            if (part == null || part.networkMessageId() != null) {
                return; // a free message, or a part that already has its id
            }
            PartRef linked = new PartRef(part.partId(), part.donationId(), part.partNo(), outboxId, messageId, part.requestId());
            partById.put(linked.partId(), linked);
            partByOutbox.put(outboxId, linked);
            partByRequestId.put(linked.requestId(), linked);
            partByMessageId.putIfAbsent(messageId, linked);
            partLinks.put(linked.partId(), messageId);
        });
    }

    private void selectParts(String keyColumn, Array keys, int keyCount) {
        if (keyCount == 0) {
            return;
        }
        pipeline.query("select id, donation_id, part_no, outbox_id, network_message_id, request_id from charge_part where " + keyColumn + " = any(?)",
                rows -> {
                    while (rows.next()) {
                        PartRef ref = new PartRef(rows.getLong(1), rows.getLong(2), rows.getInt(3), (Long) rows.getObject(4), rows.getString(5), rows.getString(6));
                        partById.put(ref.partId(), ref);
                        if (ref.outboxId() != null) {
                            partByOutbox.put(ref.outboxId(), ref);
                        }
                        if (ref.networkMessageId() != null) {
                            partByMessageId.put(ref.networkMessageId(), ref);
                        }
                        partByRequestId.put(ref.requestId(), ref);
                    }
                }, keys);
    }

    /** Reports that arrived before their message's acceptance, now that the acceptance links them. */
    private void loadWaitingReports(List<String> acceptedMessageIds) throws SQLException {
        if (acceptedMessageIds.isEmpty()) {
            return;
        }
        pipeline.query("select network_message_id, delivered, reason, permanent, reported_at from charge_report"
                + " where network_message_id = any(?) and applied_at is null", rows -> {
                    while (rows.next()) {
                        String id = rows.getString(1);
                        Instant at = rows.getTimestamp(5).toInstant();
                        reportsWaiting.putIfAbsent(id, rows.getBoolean(2)
                                ? new ChargeReport.Delivered(id, at)
                                : new ChargeReport.Declined(id, at, rows.getString(3), rows.getBoolean(4)));
                    }
                }, texts(acceptedMessageIds));
    }

    // ---- phase 3: lock and load the donations --------------------------------------------------

    /** Adds the locking read of the donations the parts belong to, and of all their parts, filling the two maps. */
    private void lockDonations(Map<Long, Object[]> rowsById, Map<Long, List<ChargePart>> parts) throws SQLException {
        Set<Long> ids = new HashSet<>();
        partById.values().forEach(ref -> ids.add(ref.donationId()));
        if (ids.isEmpty()) {
            return;
        }
        Array idArray = connection.createArrayOf("bigint", ids.toArray(new Long[0]));
        pipeline.query("select d.id, d.appeal_slug, d.donor_id, d.network, d.state, d.reason, d.permanent, d.gift_aid_token,"
                + " (select i.destination from inbound_message i where i.id = d.inbound_id),"
                + " (select p.phone_encrypted from donor p where p.id = d.donor_id)"
                + " from donation d where d.id = any(?) order by d.id for update", row -> {
                    while (row.next()) {
                        rowsById.put(row.getLong(1), new Object[]{row.getString(2), row.getObject(3), row.getString(4), row.getString(5),
                                row.getString(6), row.getObject(7), row.getString(8), row.getString(9), row.getBytes(10)});
                    }
                }, idArray);
        pipeline.query("select donation_id, part_no, amount_pence, state, reason, permanent from charge_part where donation_id = any(?)"
                + " order by donation_id, part_no", rows -> {
                    while (rows.next()) {
                        parts.computeIfAbsent(rows.getLong(1), k -> new ArrayList<>()).add(new ChargePart(rows.getInt(2), Money.ofPence(rows.getLong(3)),
                                PartState.valueOf(rows.getString(4)), rows.getString(5), rows.getBoolean(6)));
                    }
                }, idArray);
    }

    /** The locked donations as lifecycle snapshots. */
    private void loadDonations(Map<Long, Object[]> rowsById, Map<Long, List<ChargePart>> parts) {
        for (Map.Entry<Long, Object[]> entry : rowsById.entrySet()) {
            Object[] row = entry.getValue();
            String slug = (String) row[0];
            Appeal appeal = catalog.bySlug(slug).orElseThrow(() -> new IllegalStateException("donation " + entry.getKey() + " is for appeal " + slug + " which is not configured"));
            DonationState state = DonationState.fromRow((String) row[3], (String) row[4], (Boolean) row[5]);
            String shortcode = row[7] != null ? (String) row[7] : appeal.routes().getFirst().shortcode();
            Long donorId = row[1] == null ? null : ((Number) row[1]).longValue();
            donations.put(entry.getKey(), new LoadedDonation(entry.getKey(), appeal, donorId, OutboxRows.Destination.sealed((byte[]) row[8]),
                    (String) row[2], shortcode, (String) row[6], new DonationLifecycle.Snapshot(state, parts.getOrDefault(entry.getKey(), List.of()))));
            donationStateBefore.put(entry.getKey(), state);
        }
    }

    // ---- phase 4: the lifecycle, in memory ----------------------------------------------------

    private boolean applyInMemory(ChargeEvent event) {
        return switch (event) {
            case ChargeEvent.Accepted a -> {
                if (!outboxMoved.contains(a.outboxId())) {
                    yield false; // a stale or repeated answer for a row no longer being sent
                }
                PartRef part = partByOutbox.get(a.outboxId());
                if (part == null) {
                    yield true; // a free message: nothing more to do
                }
                step(part, new PartEvent.Submitted(part.partNo()));
                ChargeReport waiting = reportsWaiting.get(a.networkMessageId());
                if (waiting != null) {
                    applyReport(part, waiting);
                }
                yield true;
            }
            case ChargeEvent.Refused r -> outboxMoved.contains(r.outboxId()) && stepIfBilled(r.outboxId(),
                    part -> new PartEvent.Declined(part.partNo(), "SUBMIT_REFUSED_" + r.errorCode(), r.permanent()));
            case ChargeEvent.NoAnswer n -> outboxMoved.contains(n.outboxId()) && stepIfBilled(n.outboxId(),
                    part -> new PartEvent.Unanswered(part.partNo()));
            case ChargeEvent.ClaimAbandoned c -> outboxMoved.contains(c.outboxId()) && (partByOutbox.get(c.outboxId()) == null
                    || stepIfBilled(c.outboxId(), part -> new PartEvent.Unanswered(part.partNo())));
            case ChargeEvent.RetryLater r -> outboxMoved.contains(r.outboxId());
            case ChargeEvent.Reported r -> {
                String id = r.report().networkMessageId();
                PartRef part = partByMessageId.get(id);
                // Only a report stored for the first time counts; it waits if its part is not linked yet.
                yield reportsNew.contains(id) && part != null && applyReport(part, reportsWaiting.get(id));
            }
            case ChargeEvent.ReportOverdue o -> step(partById.get(o.partId()), partNo -> new PartEvent.Unanswered(partNo));
            case ChargeEvent.UnknownExpired e -> step(partById.get(e.partId()), partNo -> new PartEvent.Expired(partNo));
            case ChargeEvent.ProviderOutcome p -> step(partByRequestId.get(p.requestId()), partNo -> p.succeeded()
                    ? new PartEvent.Charged(partNo) : new PartEvent.Declined(partNo, p.reason(), p.permanent()));
        };
    }

    private boolean stepIfBilled(long outboxId, java.util.function.Function<PartRef, PartEvent> event) {
        PartRef part = partByOutbox.get(outboxId);
        return part != null && step(part, event.apply(part));
    }

    private boolean step(PartRef part, java.util.function.IntFunction<PartEvent> event) {
        return part != null && step(part, event.apply(part.partNo()));
    }

    /** Applies a report once; a report already applied by this batch (or before) changes nothing. */
    private boolean applyReport(PartRef part, ChargeReport report) {
        if (!reportsApplied.add(report.networkMessageId())) {
            return false;
        }
        PartEvent event = switch (report) {
            case ChargeReport.Delivered d -> new PartEvent.Charged(part.partNo());
            case ChargeReport.Declined d -> new PartEvent.Declined(part.partNo(), d.reason(), d.permanent());
        };
        return step(part, event);
    }

    private boolean step(PartRef ref, PartEvent event) {
        LoadedDonation donation = donations.get(ref.donationId());
        if (donation == null) {
            throw new IllegalStateException("charge part " + ref.partId() + " points at missing donation " + ref.donationId());
        }
        return switch (DonationLifecycle.apply(donation.snapshot, event)) {
            case DonationLifecycle.Step.Ignored ignored -> false;
            case DonationLifecycle.Step.Moved moved -> {
                donation.snapshot = moved.next();
                partsChanged.put(ref.partId(), moved.next().parts().get(ref.partNo() - 1));
                for (DonationLifecycle.Effect effect : moved.effects()) {
                    queueEffect(donation, effect);
                }
                yield true;
            }
        };
    }

    private void queueEffect(LoadedDonation donation, DonationLifecycle.Effect effect) {
        switch (effect) {
            case DonationLifecycle.Effect.BookCharge book -> bookings.add(new LedgerBookings.Booking(donation, book));
            case DonationLifecycle.Effect.BookPartialCharge partial -> bookings.add(new LedgerBookings.Booking(donation, partial));
            case DonationLifecycle.Effect.ThankDonor thank -> {
                if (donation.donorId() != null) { // a card gift without a phone number is thanked on the web page
                    String link = donation.appeal().publicBaseUrl() + "/g/" + donation.giftAidToken();
                    replies.free(donation.donorId(), OutboxRows.Kind.THANK_YOU, donation.shortcode(),
                            Replies.thankYou(donation.appeal(), donation.snapshot.total(), link), donation.network(), donation.donorNumber());
                }
            }
            case DonationLifecycle.Effect.TellDonorNotCharged notCharged -> {
                if (donation.donorId() != null) {
                    replies.free(donation.donorId(), OutboxRows.Kind.REPLY, donation.shortcode(), Replies.notCharged(donation.appeal()), donation.network(),
                            donation.donorNumber());
                }
            }
        }
    }

    // ---- phase 5: write back -----------------------------------------------------------------

    /** Every part whose state moved or that learnt its message id, in one statement; a null state keeps the row's. */
    private void writeParts() throws SQLException {
        Set<Long> partIds = new TreeSet<>(partsChanged.keySet()); // sorted: see the class comment
        partIds.addAll(partLinks.keySet());
        if (partIds.isEmpty()) {
            return;
        }
        int n = partIds.size();
        Long[] ids = new Long[n];
        String[] states = new String[n];
        String[] reasons = new String[n];
        Boolean[] permanent = new Boolean[n];
        String[] links = new String[n];
        int i = 0;
        for (Long partId : partIds) {
            ChargePart part = partsChanged.get(partId);
            ids[i] = partId;
            if (part != null) {
                states[i] = part.state().name();
                reasons[i] = part.reason();
                permanent[i] = part.state() == PartState.DECLINED ? part.permanent() : null;
            }
            links[i] = partLinks.get(partId);
            i++;
        }
        pipeline.update("update charge_part p set state = coalesce(a.states[width_bucket(p.id, a.ids)], p.state),"
                        + " reason = case when a.states[width_bucket(p.id, a.ids)] is null then p.reason else a.reasons[width_bucket(p.id, a.ids)] end,"
                        + " permanent = case when a.states[width_bucket(p.id, a.ids)] is null then p.permanent else a.permanent[width_bucket(p.id, a.ids)] end,"
                        + " network_message_id = coalesce(p.network_message_id, a.links[width_bucket(p.id, a.ids)]),"
                        // Accepted now: submitted now, even when the report in the same batch already made the part final.
                        + " submitted_at = case when a.states[width_bucket(p.id, a.ids)] = 'SUBMITTED' then a.at"
                        + " when a.links[width_bucket(p.id, a.ids)] is not null then coalesce(p.submitted_at, a.at) else p.submitted_at end,"
                        + " unknown_at = case when a.states[width_bucket(p.id, a.ids)] = 'UNKNOWN' then a.at else p.unknown_at end,"
                        // Cleared when resolved, so the janitor's index holds only parts UNKNOWN now (V8).
                        + " unknown_since = case when a.states[width_bucket(p.id, a.ids)] = 'UNKNOWN' then a.at"
                        + " when a.states[width_bucket(p.id, a.ids)] in ('CHARGED', 'DECLINED') then null else p.unknown_since end,"
                        + " resolved_at = case when a.states[width_bucket(p.id, a.ids)] in ('CHARGED', 'DECLINED') then a.at else p.resolved_at end"
                        + " from (select ?::bigint[] as ids, ?::text[] as states, ?::text[] as reasons, ?::boolean[] as permanent,"
                        + " ?::text[] as links, ?::timestamptz as at) a"
                        + " where p.id = any(a.ids)", updated -> {
                    if (updated != n) {
                        throw new IllegalStateException("updated " + updated + " of " + n + " charge parts");
                    }
                },
                connection.createArrayOf("bigint", ids), connection.createArrayOf("text", states), connection.createArrayOf("text", reasons),
                connection.createArrayOf("boolean", permanent), connection.createArrayOf("text", links), Timestamp.from(now));
    }

    /** Compare-and-set of every donation whose state moved: each row must still hold its old state. */
    private void writeDonations() throws SQLException {
        // In id order (donations is a TreeMap), as width_bucket needs.
        List<LoadedDonation> moved = donations.values().stream()
                .filter(d -> !DonationState.code(d.snapshot.state()).equals(DonationState.code(donationStateBefore.get(d.id())))).toList();
        if (moved.isEmpty()) {
            return;
        }
        int n = moved.size();
        Long[] ids = new Long[n];
        String[] from = new String[n];
        String[] to = new String[n];
        String[] reasons = new String[n];
        Boolean[] permanent = new Boolean[n];
        Boolean[] resolved = new Boolean[n];
        for (int i = 0; i < n; i++) {
            LoadedDonation donation = moved.get(i);
            DonationState next = donation.snapshot.state();
            ids[i] = donation.id();
            from[i] = DonationState.code(donationStateBefore.get(donation.id()));
            to[i] = DonationState.code(next);
            switch (next) {
                case DonationState.Failed failed -> {
                    reasons[i] = failed.reason();
                    permanent[i] = failed.permanent();
                }
                case DonationState.Rejected rejected -> {
                    reasons[i] = rejected.reason();
                    permanent[i] = true;
                }
                case DonationState.Charging c -> {
                }
                case DonationState.Charged c -> {
                }
                case DonationState.Unknown u -> {
                }
            }
            resolved[i] = next instanceof DonationState.Charged || next instanceof DonationState.Failed;
        }
        pipeline.update("update donation d set state = a.to_states[width_bucket(d.id, a.ids)],"
                        + " reason = a.reasons[width_bucket(d.id, a.ids)], permanent = a.permanent[width_bucket(d.id, a.ids)],"
                        + " resolved_at = case when a.resolved[width_bucket(d.id, a.ids)] then a.at else null end"
                        + " from (select ?::bigint[] as ids, ?::text[] as from_states, ?::text[] as to_states, ?::text[] as reasons,"
                        + " ?::boolean[] as permanent, ?::boolean[] as resolved, ?::timestamptz as at) a"
                        + " where d.id = any(a.ids) and d.state = a.from_states[width_bucket(d.id, a.ids)]", updated -> {
                    if (updated != n) {
                        // The rows are locked by this transaction, so a lost compare-and-set is a bug elsewhere.
                        throw new IllegalStateException("compare-and-set moved " + updated + " of " + n + " donations");
                    }
                },
                connection.createArrayOf("bigint", ids), connection.createArrayOf("text", from), connection.createArrayOf("text", to),
                connection.createArrayOf("text", reasons), connection.createArrayOf("boolean", permanent),
                connection.createArrayOf("boolean", resolved), Timestamp.from(now));
    }

    /** Reports applied now that were stored earlier (waiting for their part) or without their part known. */
    private void markReportsApplied() throws SQLException {
        reportsApplied.removeAll(reportsStoredApplied);
        if (reportsApplied.isEmpty()) {
            return;
        }
        pipeline.update("update charge_report set applied_at = ? where network_message_id = any(?) and applied_at is null",
                Timestamp.from(now), connection.createArrayOf("text", reportsApplied.toArray(new String[0])));
    }

    // ---- small helpers -----------------------------------------------------------------------

    /** Adds an update that returns the ids it moved, gathered into {@code moved}; nothing when it has no rows to move. */
    private void addReturningIds(Set<Long> moved, int rowCount, String sql, Object... parameters) {
        if (rowCount == 0) {
            return;
        }
        pipeline.query(sql, rows -> {
            while (rows.next()) {
                moved.add(rows.getLong(1));
            }
        }, parameters);
    }

    /** An instant as UTC text for an array (see the class comment). */
    private static String utc(Instant instant) {
        return instant.toString();
    }

    private Array longs(java.util.Collection<Long> values) throws SQLException {
        return connection.createArrayOf("bigint", values.toArray(new Long[0]));
    }

    private Array texts(java.util.Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(new String[0]));
    }
}
