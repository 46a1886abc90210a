package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.donor.Donors;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.Posting;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.Money;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.Outbox;
import org.appealdesk.sms.ReportIntake;
import org.appealdesk.sms.Replies;

/**
 * Charging after intake: the outbox the adapters send from, the network's answers and reports,
 * the lifecycle transitions they cause, and the ledger bookings that follow.
 *
 * <p>Every answer and report is one {@link ChargeEvent} through a single group committer. Within
 * a batch, events apply in order, each donation row locked once; the ledger is written at the end
 * of the batch under each appeal's lock. A report is stored once by network message id; if it
 * overtakes the acceptance that tells us which part it belongs to, it waits in charge_report and
 * is applied when the acceptance arrives. So duplicates, late and early reports change nothing.
 */
public final class ChargeEventService implements Outbox, ReportIntake, AutoCloseable {

    /** How long an adapter's call to an {@link Outbox} method waits for its commit. */
    private static final Duration OUTBOX_CALL_DEADLINE = Duration.ofSeconds(30);
    /** Most messages one claim may take, whatever the adapter asks for. */
    public static final int CLAIM_COUNT_MAX = 1_000;

    private final Database database;
    private final AppealCatalog catalog;
    private final Donors donors;
    private final Ledger ledger;
    private final InstantSource clock;
    private final GroupCommitter<ChargeEvent, Boolean> committer;

    public ChargeEventService(Database database, AppealCatalog catalog, Donors donors, Ledger ledger,
                              InstantSource clock, GroupCommitter.Settings batching) {
        this.database = database;
        this.catalog = catalog;
        this.donors = donors;
        this.ledger = ledger;
        this.clock = clock;
        this.committer = new GroupCommitter<>(batching, database, this::applyBatch);
    }

    // ---- the adapters' side ----------------------------------------------------------------

    @Override
    public List<OutboundMessage> claim(int countMax) {
        int count = Math.min(Math.max(countMax, 0), CLAIM_COUNT_MAX);
        if (count == 0) {
            return List.of();
        }
        Instant now = clock.instant();
        List<OutboundMessage> claimed = new ArrayList<>();
        List<Long> unsendable = new ArrayList<>();
        database.inTransactionVoid(connection -> {
            try (PreparedStatement claim = connection.prepareStatement(
                    "with claimed as (update outbox set state = 'SENDING', claimed_at = ?, attempts = attempts + 1"
                            + " where id in (select id from outbox where state = 'PENDING' and due_at <= ? order by due_at, id limit ? for update skip locked)"
                            + " returning id, donor_id, shortcode, body, price_pence, request_id, network)"
                            + " select c.id, c.shortcode, c.body, c.price_pence, c.request_id, c.network, d.phone_encrypted"
                            + " from claimed c join donor d on d.id = c.donor_id order by c.id")) {
                claim.setTimestamp(1, Timestamp.from(now));
                claim.setTimestamp(2, Timestamp.from(now));
                claim.setInt(3, count);
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        byte[] phone = rows.getBytes(7);
                        if (phone == null) {
                            unsendable.add(rows.getLong(1));
                            continue;
                        }
                        long pricePence = rows.getLong(4);
                        Money price = rows.wasNull() ? null : Money.ofPence(pricePence);
                        claimed.add(new OutboundMessage(rows.getLong(1), donors.open(phone), rows.getString(2), rows.getString(3),
                                price, rows.getString(5), rows.getString(6)));
                    }
                }
            }
        });
        // A donor whose number was erased cannot be messaged; such rows are refused, not lost.
        unsendable.forEach(id -> refused(id, "NUMBER_ERASED", true));
        return claimed;
    }

    @Override
    public void accepted(long outboxId, String networkMessageId) {
        await(committer.submit(new ChargeEvent.Accepted(outboxId, canonicalId(networkMessageId))));
    }

    @Override
    public void refused(long outboxId, String errorCode, boolean permanent) {
        await(committer.submit(new ChargeEvent.Refused(outboxId, errorCode, permanent)));
    }

    @Override
    public void noAnswer(long outboxId) {
        await(committer.submit(new ChargeEvent.NoAnswer(outboxId)));
    }

    @Override
    public void retryLater(long outboxId, Duration delay) {
        await(committer.submit(new ChargeEvent.RetryLater(outboxId, delay)));
    }

    @Override
    public CompletableFuture<Void> submit(ChargeReport report) {
        ChargeReport canonical = switch (report) {
            case ChargeReport.Delivered d -> new ChargeReport.Delivered(canonicalId(d.networkMessageId()), d.reportedAt());
            case ChargeReport.Declined d -> new ChargeReport.Declined(canonicalId(d.networkMessageId()), d.reportedAt(), d.reason(), d.permanent());
        };
        return committer.submit(new ChargeEvent.Reported(canonical)).thenApply(applied -> null);
    }

    /** SMSCs write hex ids in either case (docs/SMPP.md): ids are stored and matched in lower case. */
    private static String canonicalId(String networkMessageId) {
        return networkMessageId.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** For the janitor: submits an event and waits for its commit. */
    void submitAndWait(ChargeEvent event) {
        await(committer.submit(event));
    }

    private static void await(CompletableFuture<?> future) {
        try {
            future.get(OUTBOX_CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a charge event to commit", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("charge event was not committed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("charge event not committed within " + OUTBOX_CALL_DEADLINE.toMillis() + " ms", e);
        }
    }

    // ---- the batch ---------------------------------------------------------------------------

    /** A donation loaded (and locked) once per batch, with what the batch has done to it. */
    private static final class Loaded {
        final long id;
        final Appeal appeal;
        final Long donorId;
        final String network;
        final String shortcode;
        final String giftAidToken;
        final long[] partIds;
        DonationLifecycle.Snapshot snapshot;

        Loaded(long id, Appeal appeal, Long donorId, String network, String shortcode, String giftAidToken, long[] partIds, DonationLifecycle.Snapshot snapshot) {
            this.id = id;
            this.appeal = appeal;
            this.donorId = donorId;
            this.network = network;
            this.shortcode = shortcode;
            this.giftAidToken = giftAidToken;
            this.partIds = partIds;
            this.snapshot = snapshot;
        }
    }

    /** A ledger booking waiting for the end of the batch. */
    private record Booking(Loaded donation, DonationLifecycle.Effect effect) {
    }

    private final class Batch {
        final Connection connection;
        final Instant now;
        final Map<Long, Loaded> donations = new HashMap<>();
        final OutboxRows outbox = new OutboxRows();
        final Map<String, List<Booking>> bookingsByAppeal = new TreeMap<>();

        Batch(Connection connection, Instant now) {
            this.connection = connection;
            this.now = now;
        }
    }

    private List<Boolean> applyBatch(Connection connection, List<ChargeEvent> events) throws SQLException {
        Batch batch = new Batch(connection, clock.instant());
        List<Boolean> applied = new ArrayList<>(events.size());
        for (ChargeEvent event : events) {
            applied.add(apply(batch, event));
        }
        book(batch);
        batch.outbox.writeWithFreshIds(connection, batch.now);
        return applied;
    }

    /** Applies one event; false when it changed nothing (a duplicate, or nothing to apply yet). */
    private boolean apply(Batch batch, ChargeEvent event) throws SQLException {
        return switch (event) {
            case ChargeEvent.Accepted accepted -> onAccepted(batch, accepted);
            case ChargeEvent.Refused refused -> {
                PartRef part = finishOutbox(batch, refused.outboxId(), "REFUSED", refused.errorCode());
                yield part != null && applyToPart(batch, part, new PartEvent.Declined(0, "SUBMIT_REFUSED_" + refused.errorCode(), refused.permanent()));
            }
            case ChargeEvent.NoAnswer noAnswer -> {
                PartRef part = finishOutbox(batch, noAnswer.outboxId(), "UNKNOWN", "no submit response");
                yield part != null && applyToPart(batch, part, new PartEvent.Unanswered(0));
            }
            case ChargeEvent.RetryLater retry -> retryLater(batch, retry);
            case ChargeEvent.Reported reported -> onReported(batch, reported.report());
            case ChargeEvent.ReportOverdue overdue -> applyToPart(batch, partById(batch, overdue.partId()), new PartEvent.Unanswered(0));
            case ChargeEvent.UnknownExpired expired -> applyToPart(batch, partById(batch, expired.partId()), new PartEvent.Expired(0));
            case ChargeEvent.ClaimAbandoned abandoned -> onClaimAbandoned(batch, abandoned.outboxId());
            case ChargeEvent.ProviderOutcome outcome -> applyToPart(batch, partBy(batch, "request_id = ?", outcome.requestId()),
                    outcome.succeeded() ? new PartEvent.Charged(0) : new PartEvent.Declined(0, outcome.reason(), outcome.permanent()));
        };
    }

    /** Which donation and part a row belongs to. */
    private record PartRef(long partId, long donationId, int partNo) {
    }

    private boolean onAccepted(Batch batch, ChargeEvent.Accepted accepted) throws SQLException {
        try (PreparedStatement update = batch.connection.prepareStatement(
                "update outbox set state = 'SENT', network_message_id = ? where id = ? and state = 'SENDING'")) {
            update.setString(1, accepted.networkMessageId());
            update.setLong(2, accepted.outboxId());
            if (update.executeUpdate() == 0) {
                return false;
            }
        }
        PartRef part = partBy(batch, "outbox_id = ?", accepted.outboxId());
        if (part == null) {
            return true;
        }
        try (PreparedStatement link = batch.connection.prepareStatement(
                "update charge_part set network_message_id = ? where id = ? and network_message_id is null")) {
            link.setString(1, accepted.networkMessageId());
            link.setLong(2, part.partId());
            link.executeUpdate();
        }
        applyToPart(batch, part, new PartEvent.Submitted(0));
        ChargeReport waiting = unappliedReport(batch, accepted.networkMessageId());
        if (waiting != null) {
            applyReport(batch, part, waiting);
        }
        return true;
    }

    private boolean onReported(Batch batch, ChargeReport report) throws SQLException {
        boolean isNew;
        try (PreparedStatement insert = batch.connection.prepareStatement(
                "insert into charge_report (network_message_id, delivered, reason, permanent, reported_at, received_at) values (?, ?, ?, ?, ?, ?)"
                        + " on conflict (network_message_id) do update set repeats = charge_report.repeats + 1 returning (xmax = 0)")) {
            insert.setString(1, report.networkMessageId());
            switch (report) {
                case ChargeReport.Delivered d -> {
                    insert.setBoolean(2, true);
                    insert.setString(3, null);
                    insert.setObject(4, null);
                }
                case ChargeReport.Declined d -> {
                    insert.setBoolean(2, false);
                    insert.setString(3, d.reason());
                    insert.setBoolean(4, d.permanent());
                }
            }
            insert.setTimestamp(5, Timestamp.from(report.reportedAt()));
            insert.setTimestamp(6, Timestamp.from(batch.now));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                isNew = row.getBoolean(1);
            }
        }
        if (!isNew) {
            return false; // the first report for a message id is the one that counts
        }
        PartRef part = partBy(batch, "network_message_id = ?", report.networkMessageId());
        if (part == null) {
            return false; // waits until the acceptance tells us the part (or is for a free message)
        }
        return applyReport(batch, part, report);
    }

    private boolean applyReport(Batch batch, PartRef part, ChargeReport report) throws SQLException {
        try (PreparedStatement mark = batch.connection.prepareStatement(
                "update charge_report set applied_at = ? where network_message_id = ? and applied_at is null")) {
            mark.setTimestamp(1, Timestamp.from(batch.now));
            mark.setString(2, report.networkMessageId());
            mark.executeUpdate();
        }
        PartEvent event = switch (report) {
            case ChargeReport.Delivered d -> new PartEvent.Charged(0);
            case ChargeReport.Declined d -> new PartEvent.Declined(0, d.reason(), d.permanent());
        };
        return applyToPart(batch, part, event);
    }

    private ChargeReport unappliedReport(Batch batch, String networkMessageId) throws SQLException {
        try (PreparedStatement select = batch.connection.prepareStatement(
                "select delivered, reason, permanent, reported_at from charge_report where network_message_id = ? and applied_at is null")) {
            select.setString(1, networkMessageId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                Instant at = row.getTimestamp(4).toInstant();
                return row.getBoolean(1)
                        ? new ChargeReport.Delivered(networkMessageId, at)
                        : new ChargeReport.Declined(networkMessageId, at, row.getString(2), row.getBoolean(3));
            }
        }
    }

    private boolean retryLater(Batch batch, ChargeEvent.RetryLater retry) throws SQLException {
        try (PreparedStatement update = batch.connection.prepareStatement(
                "update outbox set state = 'PENDING', due_at = ? where id = ? and state = 'SENDING'")) {
            update.setTimestamp(1, Timestamp.from(batch.now.plus(retry.delay())));
            update.setLong(2, retry.outboxId());
            return update.executeUpdate() == 1;
        }
    }

    /** A sender died holding this message: free messages go again; a billed one may have been sent, so it is UNKNOWN. */
    private boolean onClaimAbandoned(Batch batch, long outboxId) throws SQLException {
        PartRef part = partBy(batch, "outbox_id = ?", outboxId);
        if (part == null) {
            try (PreparedStatement update = batch.connection.prepareStatement(
                    "update outbox set state = 'PENDING', due_at = ? where id = ? and state = 'SENDING'")) {
                update.setTimestamp(1, Timestamp.from(batch.now));
                update.setLong(2, outboxId);
                return update.executeUpdate() == 1;
            }
        }
        PartRef finished = finishOutbox(batch, outboxId, "UNKNOWN", "claim abandoned");
        return finished != null && applyToPart(batch, part, new PartEvent.Unanswered(0));
    }

    /** Moves a SENDING row to a final state; returns its charge part, or null for a free message or a stale event. */
    private PartRef finishOutbox(Batch batch, long outboxId, String state, String error) throws SQLException {
        try (PreparedStatement update = batch.connection.prepareStatement(
                "update outbox set state = ?, error = ? where id = ? and state = 'SENDING'")) {
            update.setString(1, state);
            update.setString(2, error);
            update.setLong(3, outboxId);
            if (update.executeUpdate() == 0) {
                return null;
            }
        }
        return partBy(batch, "outbox_id = ?", outboxId);
    }

    private PartRef partById(Batch batch, long partId) throws SQLException {
        return partBy(batch, "id = ?", partId);
    }

    private static PartRef partBy(Batch batch, String condition, Object value) throws SQLException {
        try (PreparedStatement select = batch.connection.prepareStatement(
                "select id, donation_id, part_no from charge_part where " + condition)) {
            select.setObject(1, value);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new PartRef(row.getLong(1), row.getLong(2), row.getInt(3)) : null;
            }
        }
    }

    /** The lifecycle step for one part, persisted as compare-and-set, with its effects queued. */
    private boolean applyToPart(Batch batch, PartRef ref, PartEvent eventWithoutPart) throws SQLException {
        if (ref == null) {
            return false;
        }
        PartEvent event = withPart(eventWithoutPart, ref.partNo());
        Loaded donation = load(batch, ref.donationId());
        DonationLifecycle.Step step = DonationLifecycle.apply(donation.snapshot, event);
        return switch (step) {
            case DonationLifecycle.Step.Ignored ignored -> false;
            case DonationLifecycle.Step.Moved moved -> {
                persist(batch, donation, ref, moved.next());
                donation.snapshot = moved.next();
                for (DonationLifecycle.Effect effect : moved.effects()) {
                    queueEffect(batch, donation, effect);
                }
                yield true;
            }
        };
    }

    private static PartEvent withPart(PartEvent event, int partNo) {
        return switch (event) {
            case PartEvent.Submitted s -> new PartEvent.Submitted(partNo);
            case PartEvent.Charged c -> new PartEvent.Charged(partNo);
            case PartEvent.Declined d -> new PartEvent.Declined(partNo, d.reason(), d.permanent());
            case PartEvent.Unanswered u -> new PartEvent.Unanswered(partNo);
            case PartEvent.Expired e -> new PartEvent.Expired(partNo);
        };
    }

    private Loaded load(Batch batch, long donationId) throws SQLException {
        Loaded cached = batch.donations.get(donationId);
        if (cached != null) {
            return cached;
        }
        Loaded loaded;
        try (PreparedStatement select = batch.connection.prepareStatement(
                "select d.appeal_slug, d.donor_id, d.network, d.state, d.reason, d.permanent, d.gift_aid_token, i.destination"
                        + " from donation d left join inbound_message i on i.id = d.inbound_id where d.id = ? for update of d")) {
            select.setLong(1, donationId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("charge part points at missing donation " + donationId);
                }
                String slug = row.getString(1);
                Appeal appeal = catalog.bySlug(slug).orElseThrow(() -> new IllegalStateException("donation " + donationId + " is for appeal " + slug + " which is not configured"));
                DonationState state = DonationState.fromRow(row.getString(4), row.getString(5), (Boolean) row.getObject(6));
                String shortcode = row.getString(8) != null ? row.getString(8) : appeal.routes().getFirst().shortcode();
                List<ChargePart> parts = new ArrayList<>();
                List<Long> partIds = new ArrayList<>();
                try (PreparedStatement selectParts = batch.connection.prepareStatement(
                        "select id, part_no, amount_pence, state, reason, permanent from charge_part where donation_id = ? order by part_no")) {
                    selectParts.setLong(1, donationId);
                    try (ResultSet rows = selectParts.executeQuery()) {
                        while (rows.next()) {
                            partIds.add(rows.getLong(1));
                            parts.add(new ChargePart(rows.getInt(2), Money.ofPence(rows.getLong(3)), PartState.valueOf(rows.getString(4)),
                                    rows.getString(5), rows.getBoolean(6)));
                        }
                    }
                }
                loaded = new Loaded(donationId, appeal, (Long) row.getObject(2), row.getString(3), shortcode, row.getString(7),
                        partIds.stream().mapToLong(Long::longValue).toArray(), new DonationLifecycle.Snapshot(state, parts));
            }
        }
        batch.donations.put(donationId, loaded);
        return loaded;
    }

    private static void persist(Batch batch, Loaded donation, PartRef ref, DonationLifecycle.Snapshot next) throws SQLException {
        ChargePart part = next.parts().get(ref.partNo() - 1);
        Timestamp now = Timestamp.from(batch.now);
        try (PreparedStatement update = batch.connection.prepareStatement(
                "update charge_part set state = ?, reason = ?, permanent = ?,"
                        + " submitted_at = case when ? = 'SUBMITTED' then ? else submitted_at end,"
                        + " unknown_at = case when ? = 'UNKNOWN' then ? else unknown_at end,"
                        + " resolved_at = case when ? in ('CHARGED', 'DECLINED') then ? else resolved_at end"
                        + " where id = ?")) {
            String state = part.state().name();
            update.setString(1, state);
            update.setString(2, part.reason());
            update.setObject(3, part.state() == PartState.DECLINED ? part.permanent() : null);
            update.setString(4, state);
            update.setTimestamp(5, now);
            update.setString(6, state);
            update.setTimestamp(7, now);
            update.setString(8, state);
            update.setTimestamp(9, now);
            update.setLong(10, ref.partId());
            update.executeUpdate();
        }
        String from = DonationState.code(donation.snapshot.state());
        String to = DonationState.code(next.state());
        if (from.equals(to)) {
            return;
        }
        try (PreparedStatement cas = batch.connection.prepareStatement(
                "update donation set state = ?, reason = ?, permanent = ?, resolved_at = ? where id = ? and state = ?")) {
            cas.setString(1, to);
            switch (next.state()) {
                case DonationState.Failed failed -> {
                    cas.setString(2, failed.reason());
                    cas.setBoolean(3, failed.permanent());
                }
                case DonationState.Rejected rejected -> {
                    cas.setString(2, rejected.reason());
                    cas.setBoolean(3, true);
                }
                case DonationState.Charging c -> {
                    cas.setString(2, null);
                    cas.setObject(3, null);
                }
                case DonationState.Charged c -> {
                    cas.setString(2, null);
                    cas.setObject(3, null);
                }
                case DonationState.Unknown u -> {
                    cas.setString(2, null);
                    cas.setObject(3, null);
                }
            }
            boolean isFinal = next.state() instanceof DonationState.Charged || next.state() instanceof DonationState.Failed;
            cas.setTimestamp(4, isFinal ? now : null);
            cas.setLong(5, donation.id);
            cas.setString(6, from);
            if (cas.executeUpdate() != 1) {
                // The row is locked by this transaction, so losing the race means a bug elsewhere.
                throw new IllegalStateException("donation " + donation.id + " was not in state " + from + " when moving to " + to);
            }
        }
    }

    private void queueEffect(Batch batch, Loaded donation, DonationLifecycle.Effect effect) {
        switch (effect) {
            case DonationLifecycle.Effect.BookCharge book ->
                    batch.bookingsByAppeal.computeIfAbsent(donation.appeal.slug(), k -> new ArrayList<>()).add(new Booking(donation, book));
            case DonationLifecycle.Effect.BookPartialCharge partial ->
                    batch.bookingsByAppeal.computeIfAbsent(donation.appeal.slug(), k -> new ArrayList<>()).add(new Booking(donation, partial));
            case DonationLifecycle.Effect.ThankDonor thank -> {
                if (donation.donorId == null) {
                    return; // a card gift without a phone number is thanked on the web page
                }
                String link = donation.appeal.publicBaseUrl() + "/g/" + donation.giftAidToken;
                batch.outbox.free(donation.donorId, OutboxRows.Kind.THANK_YOU, donation.shortcode,
                        Replies.thankYou(donation.appeal, donation.snapshot.total(), link), donation.network);
            }
            case DonationLifecycle.Effect.TellDonorNotCharged notCharged -> {
                if (donation.donorId != null) {
                    batch.outbox.free(donation.donorId, OutboxRows.Kind.REPLY, donation.shortcode, Replies.notCharged(donation.appeal), donation.network);
                }
            }
        }
    }

    /**
     * Writes the batch's journals, appeal by appeal in a fixed order (so two nodes never wait on
     * each other's appeal locks in a cycle). Charged money goes to the designated fund until its
     * cap, the rest to the overflow fund.
     */
    private void book(Batch batch) throws SQLException {
        for (Map.Entry<String, List<Booking>> entry : batch.bookingsByAppeal.entrySet()) {
            Ledger.AppealBatch appealBatch = ledger.openBatch(batch.connection, entry.getKey());
            List<Journal> journals = new ArrayList<>();
            List<Long> designatedDeltas = new ArrayList<>();
            long allocated = appealBatch.designatedAllocatedPence();
            for (Booking booking : entry.getValue()) {
                Loaded donation = booking.donation();
                Appeal appeal = donation.appeal;
                String receivable = Accounts.receivable(appeal.slug(), donation.network);
                switch (booking.effect()) {
                    case DonationLifecycle.Effect.BookCharge charge -> {
                        long amount = charge.amount().pence();
                        long room = appeal.designated().hasCap() ? Math.max(0, appeal.designated().cap().pence() - allocated) : amount;
                        long designated = Math.min(room, amount);
                        long overflow = amount - designated;
                        List<Posting> postings = new ArrayList<>(3);
                        postings.add(new Posting(receivable, AccountKind.RECEIVABLE, amount));
                        if (designated > 0) {
                            postings.add(new Posting(Accounts.fund(appeal.slug(), appeal.designated().slug()), AccountKind.FUND, -designated));
                        }
                        if (overflow > 0) {
                            postings.add(new Posting(Accounts.fund(appeal.slug(), appeal.overflow().slug()), AccountKind.FUND, -overflow));
                        }
                        journals.add(new Journal(appeal.slug(), JournalKind.CHARGE, "charge:donation:" + donation.id, donation.id, postings,
                                "text gift " + charge.amount()));
                        designatedDeltas.add(designated);
                        allocated += designated;
                    }
                    case DonationLifecycle.Effect.BookPartialCharge partial -> {
                        journals.add(new Journal(appeal.slug(), JournalKind.PARTIAL_CHARGE,
                                "partial:donation:" + donation.id + ":part:" + partial.partNo(), donation.id,
                                List.of(new Posting(receivable, AccountKind.RECEIVABLE, partial.amount().pence()),
                                        new Posting(Accounts.partialCharges(appeal.slug()), AccountKind.SUSPENSE, -partial.amount().pence())),
                                "part " + partial.partNo() + " charged for a failed donation; to refund"));
                        designatedDeltas.add(0L);
                    }
                    case DonationLifecycle.Effect.ThankDonor t -> throw new IllegalStateException("not a booking");
                    case DonationLifecycle.Effect.TellDonorNotCharged t -> throw new IllegalStateException("not a booking");
                }
            }
            appealBatch.post(journals, designatedDeltas, batch.now);
            appealBatch.close();
        }
    }

    @Override
    public void close() {
        committer.close();
    }
}
