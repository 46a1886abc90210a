package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.donor.Donors;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.Outbox;
import org.appealdesk.sms.ReportIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charging after intake: the outbox the adapters send from, the network's answers and reports,
 * the lifecycle transitions they cause, and the ledger bookings that follow.
 *
 * <p>Every answer and report is one {@link ChargeEvent} through a group committer. Within a batch,
 * events apply in order, each donation row locked once; the ledger is written at the end of the
 * batch under each appeal's lock. With more than one writer, a message's acceptance and its
 * reports always go to the same one (by network message id, {@link #writerOf}), so a report never
 * waits for a link that a concurrent batch is writing; everything else meets under the donation's
 * row lock, taken after the writer's outbox moves and before the appeal's lock. A report is stored
 * once by network message id; if it overtakes the acceptance that tells us which part it belongs
 * to, it waits in charge_report and is applied when the acceptance arrives. So duplicates, late
 * and early reports change nothing.
 */
public final class ChargeEventService implements Outbox, ReportIntake, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChargeEventService.class);

    /** How long the janitor waits for the commit of an event it submits. */
    private static final Duration OUTBOX_CALL_DEADLINE = Duration.ofSeconds(30);
    /** Most messages one claim may take, whatever the adapter asks for. */
    public static final int CLAIM_COUNT_MAX = 1_000;
    /** Messages waiting in memory for the sender at most, by default (0 turns the handoff off). */
    public static final int HANDOFF_CAPACITY_DEFAULT = Handoff.CAPACITY_DEFAULT;

    /** Refuses a handoff capacity outside 0-{@link Handoff#CAPACITY_MAX}, naming the setting it came from. */
    public static void requireHandoffCapacity(String setting, int capacity) {
        Handoff.requireCapacity(setting, capacity);
    }
    /**
     * While the handoff fills every claim, the database is still asked this often, with a quarter
     * of the claim left for it, so messages due again (throttled, retried) are not starved.
     */
    static final Duration DATABASE_CLAIM_INTERVAL = Duration.ofMillis(200);
    /**
     * Messages claimed from the database at once; those not handed out wait for the next claims.
     * Claimed ahead of sending, they are what a crash would leave claimed: as many as one claim
     * before the handoff.
     */
    static final int CLAIM_AHEAD = 100;
    /** A message whose donor's number does not decrypt is tried again after this (a key problem is fixed by a restart). */
    static final Duration UNREADABLE_RETRY = Duration.ofMinutes(1);
    /** Most orphaned rows made due again by one statement (the rest wait for the next pass). */
    private static final int ORPHANS_PER_PASS_MAX = 10_000;

    private final Database database;
    private final AppealCatalog catalog;
    private final Donors donors;
    private final LedgerBookings bookings;
    private final InstantSource clock;
    /** Time committed batches held an appeal's ledger lock ({@link #ledgerLockHeldNanos}). */
    private final LongAdder ledgerLockHeldNanos = new LongAdder();
    /** The writers; an event always goes to the one {@link #writerOf} names. */
    private final List<GroupCommitter<ChargeEvent, Boolean>> committers;
    private final Handoff handoff;
    private final Thread handoffExpiry;
    /** The longest a message waits in memory, handed over or claimed ahead, before it is made due again. */
    private final Duration handoffAgeMax;
    /** Row ids written claimed that no sender will take, waiting to be made due again. */
    private final ConcurrentLinkedQueue<Long> orphaned = new ConcurrentLinkedQueue<>();
    // The claim's own state, guarded by claimLock.
    private final ReentrantLock claimLock = new ReentrantLock();
    private boolean closed;
    private long lastDatabaseClaimNanos = System.nanoTime();
    /** The last database claim came back full: there may be older messages there than in the handoff. */
    private boolean databaseBacklog;
    /** Which side a claim of one goes to while the database has a backlog. */
    private boolean oddTurn;
    /** Claimed from the database, not yet handed out: served first as the database's share. */
    private final ArrayDeque<OutboundMessage> claimedAhead = new ArrayDeque<>();
    /** When the messages claimed ahead were claimed (all at once: the database is asked only when none are left). */
    private long claimedAheadAtNanos;

    /** With one writer. */
    public ChargeEventService(Database database, AppealCatalog catalog, Donors donors, Ledger ledger,
                              InstantSource clock, GroupCommitter.Settings batching, Duration claimTimeout, int handoffCapacity) {
        this(database, catalog, donors, ledger, clock, batching, 1, claimTimeout, handoffCapacity);
    }

    /**
     * @param writers         group-commit writers the events are split over, each holding one pooled
     *                        connection while it commits. One writer applies every batch alone, and
     *                        near 3,000 texts/s it was the end-to-end bottleneck with cores to spare;
     *                        with more, their batches overlap up to the appeal's ledger lock, which is
     *                        held from the booking to commit (BENCHMARKS.md)
     * @param claimTimeout    the janitor's (ChargeSettings): a message waits in the handoff at most a tenth of it (5 s at most)
     * @param handoffCapacity messages written already claimed and waiting in memory for the sender, at
     *                        most ({@link #HANDOFF_CAPACITY_DEFAULT}); 0 writes every message PENDING
     */
    public ChargeEventService(Database database, AppealCatalog catalog, Donors donors, Ledger ledger,
                              InstantSource clock, GroupCommitter.Settings batching, int writers, Duration claimTimeout, int handoffCapacity) {
        this.database = database;
        this.catalog = catalog;
        this.donors = donors;
        this.bookings = new LedgerBookings(ledger);
        this.clock = clock;
        Duration ageMax = Handoff.ageMaxFor(claimTimeout);
        this.handoffAgeMax = ageMax;
        this.handoff = new Handoff(handoffCapacity, ageMax, Handoff.LIVE_WINDOW, System::nanoTime);
        this.committers = GroupCommitter.writers(batching, writers, database, this::timedBatches);
        Duration expiryPeriod = ageMax.dividedBy(4);  // so nothing waits much past ageMax
        this.handoffExpiry = Thread.ofVirtual().name("outbox-handoff-expiry").start(() -> expireUntilClosed(expiryPeriod));
    }

    /**
     * Which of {@code writers} writers takes an event. An acceptance and the reports of the same
     * message go by its network message id to one writer, which applies them in order: in two
     * concurrent batches, the report would not see the acceptance's link, nor the acceptance the
     * stored report, and the report would wait for ever. Every other event may go anywhere, as it
     * meets any other event of its donation under the donation's row lock; each goes by its own key,
     * so the load spreads.
     */
    static int writerOf(ChargeEvent event, int writers) {
        Object key = switch (event) {
            case ChargeEvent.Accepted a -> a.networkMessageId();
            case ChargeEvent.Reported r -> r.report().networkMessageId();
            case ChargeEvent.Refused r -> r.outboxId();
            case ChargeEvent.NoAnswer n -> n.outboxId();
            case ChargeEvent.RetryLater r -> r.outboxId();
            case ChargeEvent.ClaimAbandoned c -> c.outboxId();
            case ChargeEvent.ReportOverdue o -> o.partId();
            case ChargeEvent.UnknownExpired e -> e.partId();
            case ChargeEvent.ProviderOutcome p -> p.requestId();
        };
        return Math.floorMod(key.hashCode(), writers);
    }

    /** Queues an event with its writer; the future completes when its batch commits. */
    private CompletableFuture<Boolean> enqueue(ChargeEvent event) {
        return committers.get(writerOf(event, committers.size())).submit(event);
    }

    /** The handoff texts' writers share with this service's own writer, so messages written by intake reach the same sender. */
    Handoff handoff() {
        return handoff;
    }

    /**
     * A writer's batch work with its share of the handoff: each attempt starts afresh, and the
     * messages written as claimed go to the sender only once the batch is durable.
     */
    <I, O> GroupCommitter.BatchWork<I, O> handedOffBatches(HandedOffWork<I, O> work) {
        HandoffBatch batch = new HandoffBatch(handoff, donors::open, this::makeDueAgain);
        return new GroupCommitter.BatchWork<>() {
            @Override
            public List<O> run(Connection connection, List<I> items) throws SQLException {
                batch.begin();
                return work.run(connection, items, batch);
            }

            @Override
            public void committed() {
                batch.committed();
            }

            @Override
            public void rolledBack() {
                batch.rolledBack();
            }
        };
    }

    /**
     * One writer's batch work ({@link #handedOffBatches} of {@link #applyBatch}), adding to
     * {@link #ledgerLockHeldNanos} how long each committed batch held the appeal's ledger lock:
     * the part of a batch that writers cannot overlap. Timed from the server's clock when the lock
     * was granted to this machine's clock at the end of the commit (the same clock for the
     * embedded server; for a remote one, as good as the two machines' agreement). Attempts rolled
     * back are not counted.
     */
    private GroupCommitter.BatchWork<ChargeEvent, Boolean> timedBatches() {
        Instant[] lockedAt = new Instant[1];
        GroupCommitter.BatchWork<ChargeEvent, Boolean> work = handedOffBatches((connection, events, handoff) -> {
            lockedAt[0] = null; // a retried attempt starts afresh
            return applyBatch(connection, events, handoff, at -> lockedAt[0] = at);
        });
        return new GroupCommitter.BatchWork<>() {
            @Override
            public List<Boolean> run(Connection connection, List<ChargeEvent> items) throws SQLException {
                return work.run(connection, items);
            }

            @Override
            public void committed() {
                if (lockedAt[0] != null) {
                    // The machine's clock, as the server's is, not the service's (a test may set that);
                    // never negative, should the two disagree.
                    ledgerLockHeldNanos.add(Math.max(0, Duration.between(lockedAt[0], Instant.now()).toNanos()));
                }
                work.committed();
            }

            @Override
            public void rolledBack() {
                work.rolledBack();
            }
        };
    }

    /** Batch work that may write messages already claimed through {@code handoff}. */
    @FunctionalInterface
    interface HandedOffWork<I, O> {
        List<O> run(Connection connection, List<I> items, HandoffBatch handoff) throws SQLException;
    }

    // ---- the adapters' side ----------------------------------------------------------------

    /**
     * The messages handed over in memory, and the database's due messages (those that found the
     * handoff full, or are due again), shared so neither starves:
     * <ul>
     *   <li>while the database has a backlog (its last claim came back full), half of every
     *       claim is the database's;</li>
     *   <li>otherwise a quarter of one claim every {@link #DATABASE_CLAIM_INTERVAL}, and whatever
     *       the handoff cannot fill (the idle poll).</li>
     * </ul>
     * The database's share is served from messages claimed ahead, {@link #CLAIM_AHEAD} at a time:
     * each database claim is a durable transaction, and when the window frees a slot or two at a
     * time, claiming just those cost more than it drained (at 2,800 texts/s, overload, the
     * database's messages then waited 55 s at p99 while the median was 0.46 s). Half, not a
     * quarter: in one overload run each, a quarter gave thank-you p50 0.66 s and p99 31 s, half
     * 11 s and 24 s with more gifts done (2,528/s against 2,464): under overload everyone waits a
     * bounded time rather than a few for the whole peak (BENCHMARKS.md).
     */
    @Override
    public List<OutboundMessage> claim(int countMax) {
        int count = Math.min(Math.max(countMax, 0), CLAIM_COUNT_MAX);
        if (count == 0) {
            return List.of();
        }
        // A lock, not synchronized: the dispatcher is a virtual thread, and on Java 21-23 blocking
        // on the database inside synchronized would pin its carrier thread.
        claimLock.lock();
        try {
            if (closed) {
                return List.of();
            }
            makeDueAgain(handoff.expire());
            List<OutboundMessage> claimed = new ArrayList<>(count);
            int databaseShare = 0;
            if (databaseBacklog) {
                oddTurn = !oddTurn; // a claim of one goes to each side in turn
                databaseShare = count / 2 + (count % 2 == 1 && oddTurn ? 1 : 0);
            } else if (System.nanoTime() - lastDatabaseClaimNanos >= DATABASE_CLAIM_INTERVAL.toNanos() || !claimedAhead.isEmpty()) {
                databaseShare = Math.max(1, count / 4);
            }
            if (databaseShare > 0) {
                try {
                    fromDatabase(claimed, databaseShare);
                } catch (RuntimeException e) {
                    // The messages in memory must still go while the database is away.
                    databaseBacklog = false;
                    log.warn("Outbox claim from the database failed; serving the handoff ({})", e.toString());
                }
            }
            claimed.addAll(handoff.take(count - claimed.size()));
            if (claimed.size() < count) {
                try {
                    fromDatabase(claimed, count - claimed.size());
                } catch (RuntimeException e) {
                    if (claimed.isEmpty()) {
                        throw e;
                    }
                    // The messages already taken must still go: nothing else would send them.
                    log.warn("Outbox claim from the database failed; sending the {} already taken ({})", claimed.size(), e.toString());
                }
            }
            return claimed;
        } finally {
            claimLock.unlock();
        }
    }

    /**
     * Adds up to {@code wanted} of the database's messages: those claimed ahead first, then a
     * fresh claim of {@link #CLAIM_AHEAD}. Messages claimed ahead longer ago than the age limit
     * are given up first, never handed out (the janitor may be near). Under the claim lock.
     */
    private void fromDatabase(List<OutboundMessage> claimed, int wanted) {
        giveUpClaimedAheadIfStale();
        int target = claimed.size() + wanted;
        takeClaimedAhead(claimed, target);
        if (claimed.size() < target) {
            lastDatabaseClaimNanos = System.nanoTime();
            List<OutboundMessage> fresh = claimFromDatabase(CLAIM_AHEAD);
            databaseBacklog = fresh.size() >= CLAIM_AHEAD;
            claimedAhead.addAll(fresh);
            claimedAheadAtNanos = lastDatabaseClaimNanos;
            takeClaimedAhead(claimed, target);
        }
    }

    /** Moves messages claimed ahead, oldest first, into {@code claimed} until it holds {@code target}. Under the claim lock. */
    private void takeClaimedAhead(List<OutboundMessage> claimed, int target) {
        while (claimed.size() < target && !claimedAhead.isEmpty()) {
            claimed.add(claimedAhead.pollFirst());
        }
    }

    /** Claims up to {@code count} due messages from the database, oldest first. */
    private List<OutboundMessage> claimFromDatabase(int count) {
        Instant now = clock.instant();
        List<OutboundMessage> claimed = new ArrayList<>();
        List<Long> unsendable = new ArrayList<>();
        List<Long> unreadable = new ArrayList<>();
        // Ordered by due_at alone, so the partial index outbox_due_at (claimed_at is null: V11) serves
        // the order; ties go in any order.
        database.inTransactionVoid(connection -> {
            try (PreparedStatement claim = connection.prepareStatement(
                    "with claimed as (update outbox set state = 'SENDING', claimed_at = ?, attempts = attempts + 1"
                            + " where id in (select id from outbox where claimed_at is null and state = 'PENDING' and due_at <= ?"
                            + " order by due_at limit ? for update skip locked)"
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
                        PhoneNumber destination;
                        try {
                            destination = donors.open(phone);
                        } catch (RuntimeException e) {
                            // Not refused (a wrong key would refuse every gift) and not left at the
                            // head of the queue: tried again later, loudly.
                            log.error("Outbox message {}: the donor's number does not decrypt ({}); trying again in {}", rows.getLong(1),
                                    e.toString(), UNREADABLE_RETRY);
                            unreadable.add(rows.getLong(1));
                            continue;
                        }
                        long pricePence = rows.getLong(4);
                        Money price = rows.wasNull() ? null : Money.ofPence(pricePence);
                        claimed.add(new OutboundMessage(rows.getLong(1), destination, rows.getString(2), rows.getString(3),
                                price, rows.getString(5), rows.getString(6)));
                    }
                }
            }
        });
        // A donor whose number was erased cannot be messaged; such rows are refused, not lost.
        // Without waiting: the claimed messages must reach the sender whatever happens to these.
        unsendable.forEach(id -> submitOrOrphan(new ChargeEvent.Refused(id, "NUMBER_ERASED", true), id));
        unreadable.forEach(id -> submitOrOrphan(new ChargeEvent.RetryLater(id, UNREADABLE_RETRY), id));
        return claimed;
    }

    @Override
    public CompletableFuture<Void> accepted(long outboxId, String networkMessageId) {
        return recorded(enqueue(new ChargeEvent.Accepted(outboxId, canonicalId(networkMessageId))));
    }

    @Override
    public CompletableFuture<Void> refused(long outboxId, String errorCode, boolean permanent) {
        return recorded(enqueue(new ChargeEvent.Refused(outboxId, errorCode, permanent)));
    }

    @Override
    public CompletableFuture<Void> noAnswer(long outboxId) {
        return recorded(enqueue(new ChargeEvent.NoAnswer(outboxId)));
    }

    @Override
    public CompletableFuture<Void> retryLater(long outboxId, Duration delay) {
        return recorded(enqueue(new ChargeEvent.RetryLater(outboxId, delay)));
    }

    /** An outcome's commit, as the outbox promises it: done when recorded, failed when not (the janitor then decides). */
    private static CompletableFuture<Void> recorded(CompletableFuture<?> commit) {
        return commit.thenApply(applied -> null);
    }

    @Override
    public CompletableFuture<Void> submit(ChargeReport report) {
        ChargeReport canonical = switch (report) {
            case ChargeReport.Delivered d -> new ChargeReport.Delivered(canonicalId(d.networkMessageId()), d.reportedAt());
            case ChargeReport.Declined d -> new ChargeReport.Declined(canonicalId(d.networkMessageId()), d.reportedAt(), d.reason(), d.permanent());
        };
        return enqueue(new ChargeEvent.Reported(canonical)).thenApply(applied -> null);
    }

    /** SMSCs write hex ids in either case (docs/SMPP.md): ids are stored and matched in lower case. */
    private static String canonicalId(String networkMessageId) {
        return networkMessageId.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Rows written claimed that no sender will take: expired in the handoff (never sent from it,
     * as the janitor may be near), refused by a closed handoff, or of a batch whose commit failed.
     * Made due again by the expiry thread; kept for its next pass if the database is away.
     */
    void makeDueAgain(List<Long> outboxIds) {
        orphaned.addAll(outboxIds);
    }

    /**
     * One pass: expired messages leave the handoff, messages claimed ahead that no claim took in
     * time (the sender stopped) are given up, and every orphaned row is made PENDING in one statement.
     */
    void returnOrphans() {
        makeDueAgain(handoff.expire());
        claimLock.lock();
        try {
            giveUpClaimedAheadIfStale();
        } finally {
            claimLock.unlock();
        }
        List<Long> ids = new ArrayList<>();
        for (Long id; ids.size() < ORPHANS_PER_PASS_MAX && (id = orphaned.poll()) != null; ) {
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return;
        }
        try {
            // Only rows still SENDING: a row the janitor reached first keeps the janitor's decision.
            database.inTransactionVoid(connection -> {
                try (PreparedStatement due = connection.prepareStatement(
                        "update outbox set state = 'PENDING', claimed_at = null where id = any(?) and state = 'SENDING'")) {
                    // due_at unchanged: the row keeps its place in the queue, as it was never sent.
                    // claimed_at cleared: an unclaimed row is what the claim's index holds (V11).
                    due.setArray(1, connection.createArrayOf("bigint", ids.toArray(new Long[0])));
                    due.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            log.warn("{} outbox messages not taken by a sender could not be made due again yet ({}); trying again", ids.size(), e.toString());
            orphaned.addAll(ids);
        }
    }

    /** Submits an event for a claimed row without waiting; if it fails, the row is made due again. */
    private void submitOrOrphan(ChargeEvent event, long outboxId) {
        enqueue(event).whenComplete((applied, failure) -> {
            if (failure != null) {
                log.warn("Outbox message {}: {} not recorded ({}); made due again", outboxId, event.getClass().getSimpleName(), failure.toString());
                makeDueAgain(List.of(outboxId));
            }
        });
    }

    /** Messages claimed ahead longer ago than the age limit go back to the database, unsent. Under the claim lock. */
    private void giveUpClaimedAheadIfStale() {
        if (!claimedAhead.isEmpty() && System.nanoTime() - claimedAheadAtNanos > handoffAgeMax.toNanos()) {
            giveUpClaimedAhead();
        }
    }

    /** Messages claimed ahead go back to the database, unsent. Under the claim lock. */
    private void giveUpClaimedAhead() {
        claimedAhead.forEach(message -> orphaned.add(message.id()));
        claimedAhead.clear();
    }

    /** Expires waiting messages even when no sender claims (every bind down), until closed. */
    private void expireUntilClosed(Duration period) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            returnOrphans();
        }
    }

    /** For the janitor: submits an event and waits for its commit. */
    void submitAndWait(ChargeEvent event) {
        await(enqueue(event));
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

    /**
     * One batch's work inside its transaction; package-visible so tests can put chosen events in
     * one batch. The batch's write-back, the replies, the ledger lock and the ledger's writes share
     * round trips through one pipeline. What needs no lock goes ahead of it: the lock is held to
     * commit, and other writers' batches wait for it.
     */
    List<Boolean> applyBatch(Connection connection, List<ChargeEvent> events) throws SQLException {
        return applyBatch(connection, events, null);
    }

    /** The same, writing replies already claimed through {@code handoff} where it has room (null: none). */
    List<Boolean> applyBatch(Connection connection, List<ChargeEvent> events, HandoffBatch handoff) throws SQLException {
        return applyBatch(connection, events, handoff, lockedAt -> { });
    }

    /** The same, telling {@code ledgerLocked} when the batch took its first appeal's ledger lock (if it booked anything). */
    private List<Boolean> applyBatch(Connection connection, List<ChargeEvent> events, HandoffBatch handoff, Consumer<Instant> ledgerLocked)
            throws SQLException {
        Instant now = clock.instant();
        Pipeline pipeline = new Pipeline(connection);
        ChargeEventBatch batch = new ChargeEventBatch(pipeline, now, catalog, events, new OutboxRows(handoff));
        List<Boolean> applied = batch.apply();
        batch.replies.writeWithFreshIds(pipeline, now);
        Instant lockedAt = bookings.book(pipeline, batch.bookings, now);
        if (lockedAt != null) {
            ledgerLocked.accept(lockedAt);
        }
        pipeline.run();
        return applied;
    }

    /** The writers' figures together: batches, items per batch, time per commit, and how many writers. */
    public GroupCommitter.Stats stats() {
        return GroupCommitter.combinedStats(committers);
    }

    /**
     * Nanoseconds committed batches have held an appeal's ledger lock since start, all writers
     * together, as {@link #timedBatches} times it. With one appeal, its share of a
     * window is how much of the time the writers cannot overlap: more writers (and cores) can take
     * the events at most about 1 / share times faster.
     */
    public long ledgerLockHeldNanos() {
        return ledgerLockHeldNanos.sum();
    }

    /** What the handoff has done since start, as one line for logs and benchmarks. */
    public String handoffSummary() {
        Handoff.Counts counts = handoff.counts();
        if (counts.capacity() == 0) {
            return "outbox handoff off (capacity 0): every message claimed from the database";
        }
        return String.format("outbox handoff: %d messages handed over in memory, %d written for the database claim because it was full,"
                + " %d with no sender taking, %d expired unsent", counts.granted(), counts.noRoom(), counts.noSender(), counts.expired());
    }

    /** Messages waiting in the handoff now (for tests and figures). */
    public int handedOffWaiting() {
        return handoff.waiting();
    }

    /** Stops the handoff (what waits in it is made due again in the database), then commits what is queued. */
    @Override
    public void close() {
        makeDueAgain(handoff.close());
        claimLock.lock();
        try {
            closed = true;
            giveUpClaimedAhead();
        } finally {
            claimLock.unlock();
        }
        // A batch in flight finds the handoff closed and orphans its messages.
        committers.forEach(GroupCommitter::stopTaking);
        committers.forEach(GroupCommitter::close);
        handoffExpiry.interrupt();
        try {
            handoffExpiry.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        returnOrphans();
    }
}
