package org.appealdesk.donation;

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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.donor.Donors;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.platform.Sequences;
import org.appealdesk.platform.Tokens;
import org.appealdesk.platform.UkCalendar;
import org.appealdesk.sms.KeywordParser;
import org.appealdesk.sms.Replies;
import org.appealdesk.sms.TextCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage of text intake: acts on texts the first stage has recorded and acknowledged.
 * In one transaction per batch, a gift within the caps becomes a donation with its charge parts
 * and their billed messages in the outbox (request ids generated here, before anything is sent);
 * everything else gets its free reply in the outbox; consents are recorded.
 *
 * <p>Why a second stage: the network waits for a text's acknowledgement, and at 5,000 texts/s the
 * one writer that recorded and acted in one transaction was 72-77% busy, so every stall queued up
 * a second of texts behind it (BENCHMARKS.md, the acknowledgement tail). Recording a text is about
 * a third of the statement time. Rule 1 still holds: a text is acknowledged only once it is committed.
 *
 * <p>Exactly once: the first stage writes a {@code text_pending} row with each new text; this stage
 * deletes it in the transaction that writes what the text caused and acts only on the rows its
 * delete returned. Texts reach this stage in memory after the first stage's commit; those that do
 * not (a crash, a failed batch, a full queue) are found again by the sweep, which reads what is
 * left in {@code text_pending}, so nothing recorded is ever left unacted on.
 *
 * <p>A burst: once this stage holds its in-memory backlog, further texts are still recorded and
 * acknowledged but handed over in the database only (spilled): they wait in {@code text_pending},
 * and are taken from there, lowest inbound id first, as room comes, without the sweep's grace.
 * While any wait there, later texts join them, so on one node a text does not overtake an earlier
 * one (a donor's texts go to one recording writer, so their ids follow the order they came).
 * Rows already pending at start, a crash's, are taken the same way before any new text. Only past
 * the spill's own limit does the intake refuse texts.
 */
final class TextActing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TextActing.class);

    /**
     * Most texts recorded but not yet acted on that this node holds in memory; past it further
     * texts wait in the database only ({@link #SPILL_MAX_DEFAULT}). At 5,000 texts/s, four seconds.
     */
    static final int BACKLOG_MAX_DEFAULT = 20_000;
    /**
     * Most texts recorded and acknowledged that wait in the database only, beyond those held in
     * memory; past it the intake refuses texts with a temporary error (the network sends them
     * again), so a second stage that cannot keep up pushes back on the network instead of growing
     * without bound. A network's retries are its own to time and to give up on, so a burst is
     * better recorded than refused: at 5,000 texts/s acted on, a million is under four minutes of
     * work, and none of it is held in memory.
     */
    static final int SPILL_MAX_DEFAULT = 1_000_000;
    /**
     * How often texts waiting in the database only are taken while there are any, soon after room
     * comes, for each is late already; and how soon the sweep reads its next page after a full one.
     */
    static final Duration SPILL_PERIOD = Duration.ofMillis(20);
    /** How often the sweep looks for recorded texts this stage does not hold. */
    static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);
    /**
     * How old a pending row must be before the sweep takes it: a just-committed text is on its way
     * here in memory (the first stage hands it over right after its commit), and another node's
     * texts are its own to act on while it is alive. Taking one early is harmless, only wasted work.
     */
    static final Duration SWEEP_GRACE = Duration.ofSeconds(10);
    /** Most pending rows one sweep reads. */
    static final int SWEEP_ROWS_MAX = 1_000;
    /** Longest wait at close for a sweep in progress to finish its query. */
    private static final Duration SWEEP_JOIN_MAX = Duration.ofSeconds(5);
    /**
     * After a text's acting fails, the sweep leaves it at least this long, doubled after each further
     * failure up to {@link #RETRY_DELAY_MAX}; and, as for every row, until it is {@link #SWEEP_GRACE}
     * old. Without it a text that can never be acted on would be tried, and warned about, every
     * second for ever.
     */
    static final Duration RETRY_DELAY_FIRST = Duration.ofSeconds(1);
    /**
     * The longest wait between tries. A whole batch fails while the database is away, so its texts
     * are here too; capped at a minute, they are acted on soon after it is back.
     */
    static final Duration RETRY_DELAY_MAX = Duration.ofMinutes(1);
    /**
     * A failure not tried again this long after it was due has, most likely, gone (acted on by
     * another node), so it is forgotten and the gauge falls back. Were it still pending (the sweep
     * paging through a large backlog), it is tried once more without a wait and remembered again.
     */
    private static final Duration RETRY_FORGET_AFTER = Duration.ofMinutes(2);
    /** Most failing texts remembered; past it the rest are tried at every sweep, as without a record. */
    static final int FAILING_TRACKED_MAX = 10_000;

    /**
     * A recorded text, waiting to be acted on.
     *
     * @param to where its replies go: the number in clear when it came from the first stage in
     *           memory, the donor's stored (sealed) number when the sweep found it; null when the
     *           donor's number was erased since (then nothing can be sent to them)
     */
    record RecordedText(long inboundId, long donorId, String channel, String shortcode, String network, TextCommand command,
                        OutboxRows.Destination to) {
    }

    private final Database database;
    private final AppealCatalog catalog;
    private final KeywordParser parser;
    private final Donors donors;
    private final ChargeSettings charging;
    private final InstantSource clock;
    private final GroupCommitter<RecordedText, Boolean> committer;
    private final int backlogMax;
    /** Inbound ids queued or in a batch here: not taken twice by the sweep, and the backlog's size. */
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    /** Texts whose acting failed, even alone in its own transaction, by inbound id: when the sweep may take each again. */
    private final Map<Long, Retry> failing = new ConcurrentHashMap<>();
    /**
     * Batches of texts handed over in the database only, lowest ids first, until each is taken
     * whole; guarded by itself. One entry a recording batch, so a million texts are a few thousand entries.
     */
    private final PriorityQueue<SpilledBatch> spilled = new PriorityQueue<>(Comparator.comparingLong(SpilledBatch::lowest));
    /**
     * Texts in {@link #spilled} not yet taken; written under its lock, read by the intake without
     * it. Exact once each batch's range is read to its end; until then a range's read may count
     * rows that are not the batch's own, so whether anything is spilled is {@link #spilledBatches}.
     */
    private volatile int spilledWaiting;
    /** Entries in {@link #spilled}; written under its lock. */
    private volatile int spilledBatches;
    private final int spillMax;
    /**
     * Room in memory the spill leaves for the sweep's page, when the backlog is large enough to
     * spare it: texts that failed, or another node's, are then still found while a burst is worked off.
     */
    private final int sweepRoomKept;
    /** When the sweep last said in the log what it found, and how many since (a crash's backlog is many pages a second). */
    private long sweepLoggedAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
    private int sweepFoundSinceLog;
    private final Thread sweeper;
    /** Counted down by {@link #close}: ends the sweep's wait at once, without interrupting a query it may be running. */
    private final CountDownLatch closed = new CountDownLatch(1);

    /**
     * @param parser     the recording stage's, for texts the sweep finds (parsed again with the catalogue of today)
     * @param batching   the writer's settings; its queue must hold {@code backlogMax}, what the first
     *                   stage may have queued when it last had room, and one sweep
     * @param backlogMax most texts held here in memory ({@link #BACKLOG_MAX_DEFAULT})
     * @param spillMax   most texts waiting in the database only before the intake refuses more ({@link #SPILL_MAX_DEFAULT})
     * @param sender     the outbox the texts' messages go out from (see {@link TextIntakeService}); null writes them all for its claim
     */
    TextActing(Database database, AppealCatalog catalog, KeywordParser parser, Donors donors, ChargeSettings charging, InstantSource clock,
               GroupCommitter.Settings batching, int backlogMax, int spillMax, ChargeEventService sender) {
        if (backlogMax < 1 || backlogMax > batching.queueCapacity()) {
            throw new IllegalArgumentException("text acting backlog must be 1-" + batching.queueCapacity() + ", got " + backlogMax);
        }
        if (spillMax < 0) {
            throw new IllegalArgumentException("texts waiting in the database must be at least 0, got " + spillMax);
        }
        this.backlogMax = backlogMax;
        this.spillMax = spillMax;
        this.sweepRoomKept = backlogMax >= 2 * SWEEP_ROWS_MAX ? SWEEP_ROWS_MAX : 0;
        this.database = database;
        this.catalog = catalog;
        this.parser = parser;
        this.donors = donors;
        this.charging = charging;
        this.clock = clock;
        GroupCommitter.BatchWork<RecordedText, Boolean> work = sender == null
                ? (connection, texts) -> act(connection, texts, null)
                : sender.handedOffBatches(this::act);
        this.committer = new GroupCommitter<>(batching, database, work);
        spillWhatIsPending();
        this.sweeper = Thread.ofVirtual().name("text-acting-sweep").start(this::sweepUntilClosed);
    }

    /** Whether the backlog has room for {@code count} more texts. */
    boolean hasRoom(int count) {
        return held.size() + count <= backlogMax;
    }

    /** Texts queued or being acted on here, and those waiting in the database only. */
    int backlog() {
        return held.size() + spilledWaiting;
    }

    /** Texts recorded and waiting in the database only, not held in memory. */
    int spilledWaiting() {
        return spilledWaiting;
    }

    /** The most texts that may wait, in memory and in the database only together, before the intake refuses more. */
    int backlogMax() {
        return backlogMax + spillMax;
    }

    /**
     * Whether the intake may take one more text: to hold in memory, when nothing waits in the
     * database only and there is room; else to wait there, when the spill has room.
     */
    boolean canTake() {
        return spilledBatches == 0 && hasRoom(1) || spilledWaiting < spillMax;
    }

    /**
     * Texts of one recording batch handed over in the database only: their inbound ids lie in
     * [{@code lowest}, {@code highest}] (another writer's or node's texts may lie between them).
     * The sweeper records how far it has read the range and how many it has taken.
     */
    static final class SpilledBatch {
        private final long lowest;
        private final long highest;
        private final int texts;
        private long readUpTo;
        private int taken;

        SpilledBatch(long lowest, long highest, int texts) {
            this.lowest = lowest;
            this.highest = highest;
            this.texts = texts;
            this.readUpTo = lowest - 1;
        }

        long lowest() {
            return lowest;
        }
    }

    /**
     * The first stage's hand-over of a batch it has committed: queued here while there is room
     * and nothing waits in the database only; the rest left there, spilled, to be taken in turn.
     */
    void handOver(List<RecordedText> texts) {
        if (texts.isEmpty()) {
            return;
        }
        synchronized (spilled) {
            int inMemory = 0;
            // While earlier texts wait in the database, later ones join them there: a text does not overtake an earlier one.
            while (spilled.isEmpty() && inMemory < texts.size() && hasRoom(1)) {
                submit(texts.get(inMemory++));
            }
            if (inMemory < texts.size()) {
                List<RecordedText> rest = texts.subList(inMemory, texts.size());
                long lowest = rest.stream().mapToLong(RecordedText::inboundId).min().orElseThrow();
                long highest = rest.stream().mapToLong(RecordedText::inboundId).max().orElseThrow();
                addSpilled(new SpilledBatch(lowest, highest, rest.size()));
            }
        }
    }

    /** Adds a batch to those waiting in the database only, with its texts to their count. */
    private void addSpilled(SpilledBatch batch) {
        synchronized (spilled) {
            spilled.add(batch);
            spilledWaiting += batch.texts;
            spilledBatches = spilled.size();
        }
    }

    /**
     * At start, whatever is already pending (a crash's backlog, however young) is spilled, so it is
     * taken at once and before any new text. Another live node's rows among them are acted on once
     * all the same (the delete decides), only with some work wasted. When the database cannot be
     * read now, the sweep finds them later.
     */
    private void spillWhatIsPending() {
        SpilledBatch pending;
        try {
            pending = database.inTransaction(connection -> {
                try (PreparedStatement select = connection.prepareStatement("select min(inbound_id), max(inbound_id), count(*) from text_pending");
                     ResultSet row = select.executeQuery()) {
                    row.next();
                    long count = row.getLong(3);
                    return count == 0 ? null : new SpilledBatch(row.getLong(1), row.getLong(2), (int) Math.min(Integer.MAX_VALUE, count));
                }
            });
        } catch (RuntimeException e) {
            log.warn("could not read the texts waiting to be acted on at start; the sweep takes them: {}", e.toString());
            return;
        }
        if (pending != null) {
            addSpilled(pending);
            log.info("{} recorded texts were waiting to be acted on at start; they are taken before any new text", pending.texts);
        }
    }

    /**
     * Queues a recorded text; one already held is not queued twice. A text the queue refuses stays
     * pending in the database for the sweep.
     */
    void submit(RecordedText text) {
        if (!held.add(text.inboundId())) {
            return;
        }
        committer.submit(text).whenComplete((acted, failure) -> {
            // The failure is noted before the text stops being held, so no sweep in between takes it at once.
            if (failure == null) {
                failing.remove(text.inboundId());
            } else if (failure instanceof RejectedExecutionException) {
                // The queue was full or closing: the text was never tried, so it is no failure of its own.
                log.debug("text {} not queued ({}); the sweep takes it again", text.inboundId(), failure.toString());
            } else {
                failed(text.inboundId(), failure);
            }
            held.remove(text.inboundId());
        });
    }

    /**
     * When the sweep may take a failed text again, and how many times it has failed.
     *
     * @param notBeforeNanos on {@link System#nanoTime}'s scale
     */
    record Retry(int failures, long notBeforeNanos) {
    }

    /** Records a failure and says so in the log: at the 1st, 2nd, 4th, 8th… failure, so a text that always fails stays visible without flooding it. */
    private void failed(long inboundId, Throwable failure) {
        if (failing.size() >= FAILING_TRACKED_MAX && !failing.containsKey(inboundId)) {
            log.warn("text {} not acted on yet ({}); the sweep takes it again", inboundId, failure.toString());
            return;
        }
        Retry retry = failing.merge(inboundId, retryAfter(1), (before, first) -> retryAfter(before.failures() + 1));
        int failures = retry.failures();
        if (Integer.bitCount(failures) == 1) {
            log.warn("text {} not acted on ({} failures so far; the sweep tries again in {} s at the soonest): {}", inboundId, failures,
                    delayAfter(failures).toSeconds(), failure.toString());
        }
    }

    private static Retry retryAfter(int failures) {
        return new Retry(failures, System.nanoTime() + delayAfter(failures).toNanos());
    }

    /** 1 s after the first failure, doubling to at most a minute. */
    static Duration delayAfter(int failures) {
        int doublings = Math.min(failures - 1, 16);
        Duration delay = RETRY_DELAY_FIRST.multipliedBy(1L << doublings);
        return delay.compareTo(RETRY_DELAY_MAX) > 0 ? RETRY_DELAY_MAX : delay;
    }

    /** Texts whose acting has failed and not yet succeeded; an on-call engineer's alarm when it stays above 0. */
    int failing() {
        return failing.size();
    }

    /** Whether the sweep should leave this text for now: it failed, and its wait has not passed. */
    private boolean waitingAfterFailure(long inboundId, long nowNanos) {
        Retry retry = failing.get(inboundId);
        return retry != null && retry.notBeforeNanos() - nowNanos > 0;
    }

    /** Waits until nothing is queued or being acted on here; for tests and orderly shutdowns. */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!held.isEmpty() || spilledBatches > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            sleep(Duration.ofMillis(5));
        }
        return true;
    }

    GroupCommitter.Stats stats() {
        return committer.stats();
    }

    // ---- the sweep ---------------------------------------------------------------------------

    private void sweepUntilClosed() {
        long after = 0;
        long sweepDue = System.nanoTime();
        try {
            do {
                boolean failed = false;
                try {
                    takeSpilled();
                } catch (RuntimeException | Error e) {
                    // The database may be away, or the heap full: the spilled texts wait in text_pending meanwhile. The thread
                    // goes on whatever it was, for while anything is spilled every new text is, and only it takes them back.
                    log.warn("taking the texts waiting in the database failed: {}", e.toString());
                    failed = true;
                }
                try {
                    if (System.nanoTime() - sweepDue >= 0 && hasRoom(SWEEP_ROWS_MAX)) {
                        after = sweep(SWEEP_GRACE, SWEEP_ROWS_MAX, after).next();
                        // A full page has more behind it (another node's backlog): the next page soon, not in a second.
                        sweepDue = System.nanoTime() + (after != 0 ? SPILL_PERIOD : SWEEP_PERIOD).toNanos();
                    }
                } catch (RuntimeException | Error e) {
                    log.warn("sweep of recorded texts failed: {}", e.toString());
                    failed = true;
                }
                // After a failure a second's wait, so a database that is away is not pressed nor the log flooded meanwhile.
                boolean soon = !failed && (spilledBatches > 0 || after != 0);
                if (closed.await((soon ? SPILL_PERIOD : SWEEP_PERIOD).toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } while (true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues, lowest inbound ids first, as many of the texts waiting in the database only as there
     * is room for here, whatever their age, reading each spilled batch's range until a page of it
     * comes back short; returns how many it queued. Called by the sweeper only.
     */
    private int takeSpilled() {
        int queued = 0;
        while (true) {
            SpilledBatch batch;
            synchronized (spilled) {
                batch = spilled.peek();
            }
            int room = Math.min(SWEEP_ROWS_MAX, backlogMax - sweepRoomKept - held.size());
            if (batch == null || room <= 0) {
                return queued;
            }
            long from = batch.readUpTo;
            List<RecordedText> found = database.inTransaction(connection -> pending(connection, Duration.ZERO, from, batch.highest, room));
            int queuedNow = queueFound(found, System.nanoTime());
            queued += queuedNow;
            synchronized (spilled) {
                if (!found.isEmpty()) {
                    batch.readUpTo = found.getLast().inboundId();
                }
                int counted = Math.min(queuedNow, batch.texts - batch.taken);
                batch.taken += counted;
                spilledWaiting -= counted;
                if (found.size() < room) {
                    // Its range read to the end: what it spilled is taken, or held here already, or waits after a failure for the sweep.
                    spilled.remove(batch);
                    spilledWaiting -= batch.texts - batch.taken;
                    spilledBatches = spilled.size();
                }
            }
        }
    }

    /**
     * What one page of the sweep queued, and where the next page starts: after the last row of a
     * full page, so a long run of rows held here cannot hide, behind them, a row that needs the
     * sweep (one whose batch failed); from the start again after a page that was not full.
     */
    record Swept(int queued, long next) {
    }

    /**
     * One page of at most {@code rowsMax} pending rows older than {@code grace}, in id order after
     * {@code after}; those held here, or waiting after a failure, are passed over.
     */
    Swept sweep(Duration grace, int rowsMax, long after) {
        List<RecordedText> found = database.inTransaction(connection -> pending(connection, grace, after, Long.MAX_VALUE, rowsMax));
        long now = System.nanoTime();
        failing.values().removeIf(retry -> now - retry.notBeforeNanos() > RETRY_FORGET_AFTER.toNanos());
        int queued = queueFound(found, now);
        noteSwept(queued, now);
        return new Swept(queued, found.size() == rowsMax ? found.getLast().inboundId() : 0);
    }

    /** Queues the rows found that are neither held here already nor waiting after a failure; returns how many. */
    private int queueFound(List<RecordedText> found, long now) {
        int queued = 0;
        for (RecordedText text : found) {
            if (!held.contains(text.inboundId()) && !waitingAfterFailure(text.inboundId(), now)) {
                submit(text);
                queued++;
            }
        }
        return queued;
    }

    /** Says in the log what the sweep found, at most once a second (the sweeper's and a test's sweeps may overlap). */
    private synchronized void noteSwept(int queued, long now) {
        sweepFoundSinceLog += queued;
        if (sweepFoundSinceLog > 0 && now - sweepLoggedAt > TimeUnit.SECONDS.toNanos(1)) {
            log.info("sweep found {} recorded texts not yet acted on", sweepFoundSinceLog);
            sweepFoundSinceLog = 0;
            sweepLoggedAt = now;
        }
    }

    /** Pending rows with inbound ids in ({@code after}, {@code upTo}], at least {@code grace} old, in id order. */
    private List<RecordedText> pending(Connection connection, Duration grace, long after, long upTo, int rowsMax) throws SQLException {
        List<RecordedText> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select p.inbound_id, m.donor_id, m.channel, m.destination, m.body, m.network, d.phone_encrypted"
                        + " from text_pending p join inbound_message m on m.id = p.inbound_id join donor d on d.id = m.donor_id"
                        + " where p.inbound_id > ? and p.inbound_id <= ? and p.recorded_at <= now() - make_interval(secs => ?)"
                        + " order by p.inbound_id limit ?")) {
            select.setLong(1, after);
            select.setLong(2, upTo);
            select.setDouble(3, grace.toMillis() / 1000.0);
            select.setInt(4, rowsMax);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String shortcode = rows.getString(4);
                    // Parsed again with today's catalogue: what the text means now is what it can still do.
                    found.add(new RecordedText(rows.getLong(1), rows.getLong(2), rows.getString(3), shortcode, rows.getString(6),
                            parser.parse(shortcode, rows.getString(5)), OutboxRows.Destination.sealed(rows.getBytes(7))));
                }
            }
        }
        return found;
    }

    // ---- acting on a batch -------------------------------------------------------------------

    /**
     * One batch in two round trips before the commit: (1) take the texts' pending rows, lock their
     * donors, read what those giving have given today, and reserve ids for the most the texts can
     * need; (2) consents, donations, parts and messages for the texts whose rows this batch took.
     * Ids a batch does not use are left as gaps in the sequences, which no one counts on.
     */
    private List<Boolean> act(Connection connection, List<RecordedText> texts, HandoffBatch handoff) throws SQLException {
        Instant now = clock.instant();
        LocalDate today = UkCalendar.dayOf(now);
        Pipeline pipeline = new Pipeline(connection);
        Set<Long> taken = new HashSet<>();
        pipeline.query("delete from text_pending where inbound_id = any(?) returning inbound_id", rows -> {
            while (rows.next()) {
                taken.add(rows.getLong(1));
            }
        }, connection.createArrayOf("bigint", texts.stream().map(RecordedText::inboundId).toArray(Long[]::new)));
        donors.lock(pipeline, new TreeSet<>(texts.stream().map(RecordedText::donorId).toList()));
        Map<Long, Money> spentToday = spentToday(pipeline, texts, today);
        Ids ids = reserveIds(pipeline, texts);
        pipeline.run();
        List<Boolean> outcomes = new ArrayList<>(texts.size());
        List<RecordedText> fresh = new ArrayList<>();
        for (RecordedText text : texts) {
            boolean mine = taken.contains(text.inboundId());
            outcomes.add(mine);
            if (mine) {
                fresh.add(text);
            }
        }
        act(pipeline, fresh, spentToday, today, now, handoff, ids);
        return outcomes;
    }

    /** Ids reserved for a batch's donations, charge parts and messages: at least as many as it can write of each. */
    private record Ids(long[] donations, long[] parts, long[] messages) {

        /** The first {@code count} of {@code reserved}; more than were reserved is a bug in {@link #reserveIds}. */
        static long[] take(long[] reserved, int count, String what) {
            if (count > reserved.length) {
                throw new IllegalStateException(what + ": " + count + " needed, " + reserved.length + " reserved");
            }
            return count == reserved.length ? reserved : Arrays.copyOf(reserved, count);
        }
    }

    /**
     * Adds the reservation of the most ids the texts can need: a donation per gift asked for; the
     * parts of its charge plan; and per text one message: the billed message of each part, or the
     * one reply any other text (or a gift refused) gets.
     */
    private Ids reserveIds(Pipeline pipeline, List<RecordedText> texts) {
        int donations = 0;
        int parts = 0;
        int messages = 0;
        for (RecordedText text : texts) {
            if (text.command() instanceof TextCommand.Donate donate) {
                int planned = ChargePlan.parts(donate.amount(), text.network(), charging.partMaxByNetwork()).size();
                donations++;
                parts += planned;
                messages += Math.max(1, planned);
            } else {
                messages++;
            }
        }
        return new Ids(Sequences.reserve(pipeline, "donation_id_seq", donations), Sequences.reserve(pipeline, "charge_part_id_seq", parts),
                Sequences.reserve(pipeline, "outbox_id_seq", messages));
    }

    /** A donation about to be written, with its parts. */
    private record NewDonation(RecordedText source, Appeal appeal, Money amount, boolean noContact, String rejectedReason,
                               List<ChargePart> parts) {
    }

    private void act(Pipeline pipeline, List<RecordedText> fresh, Map<Long, Money> spentToday, LocalDate today, Instant now,
                     HandoffBatch handoff, Ids ids) throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        List<NewDonation> donations = new ArrayList<>();
        OutboxRows outbox = new OutboxRows(handoff);
        List<Donors.ConsentStatement> consents = new ArrayList<>();
        for (RecordedText text : fresh) {
            String shortcode = text.shortcode();
            String network = text.network();
            // Every reply goes back to the number the text came from.
            OutboxRows.Destination to = text.to();
            switch (text.command()) {
                case TextCommand.Donate donate -> {
                    NewDonation donation = decide(text, donate, spentToday);
                    donations.add(donation);
                    if (donation.rejectedReason() != null) {
                        outbox.free(text.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.dailyCapReached(donate.appeal()), network, to);
                    }
                    consents.add(consentOf(text, donate));
                }
                case TextCommand.Stop stop -> {
                    consents.add(new Donors.ConsentStatement(text.donorId(), "*", false, stop.all() ? "STOP ALL" : "STOP", text.inboundId(),
                            Donors.ConsentStatement.Effect.STOP));
                    outbox.free(text.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.stopped(), network, to);
                }
                case TextCommand.OptOut optOut -> {
                    consents.add(new Donors.ConsentStatement(text.donorId(), "*", false, optOut.kind().name(), text.inboundId(),
                            Donors.ConsentStatement.Effect.NO_CONTACT));
                    outbox.free(text.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.optedOut(), network, to);
                }
                case TextCommand.Help help -> {
                    List<Appeal> appeals = catalog.appealsOn(shortcode);
                    String reply = appeals.isEmpty() ? Replies.notRecognised() : Replies.help(appeals.getFirst());
                    outbox.free(text.donorId(), OutboxRows.Kind.REPLY, shortcode, reply, network, to);
                }
                case TextCommand.AmountNotOffered notOffered ->
                        outbox.free(text.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.howToDonate(notOffered.appeal(), shortcode), network, to);
                case TextCommand.NotUnderstood notUnderstood -> {
                    // Never guess which appeal was meant: only a shortcode with exactly one appeal
                    // gets that appeal's instructions (DOMAIN.md, the 2014 near-miss keywords).
                    List<Appeal> appeals = catalog.appealsOn(shortcode);
                    String reply = appeals.size() == 1 ? Replies.howToDonate(appeals.getFirst(), shortcode) : Replies.notRecognised();
                    outbox.free(text.donorId(), OutboxRows.Kind.REPLY, shortcode, reply, network, to);
                }
            }
        }
        donors.record(pipeline, consents, now);
        writeDonations(pipeline, donations, outbox, today, now, ids);
    }

    /** Per-text maximum and per-number daily cap, counting this batch's earlier gifts too. */
    private NewDonation decide(RecordedText text, TextCommand.Donate donate, Map<Long, Money> spentToday) {
        Appeal appeal = donate.appeal();
        Money amount = donate.amount();
        if (amount.isGreaterThan(appeal.maxPerText())) {
            return new NewDonation(text, appeal, amount, donate.noContact(), "OVER_MAX_PER_TEXT", List.of());
        }
        Money spent = spentToday.getOrDefault(text.donorId(), Money.ZERO);
        if (spent.plus(amount).isGreaterThan(appeal.dailyCapPerNumber())) {
            return new NewDonation(text, appeal, amount, donate.noContact(), "DAILY_CAP", List.of());
        }
        spentToday.put(text.donorId(), spent.plus(amount));
        return new NewDonation(text, appeal, amount, donate.noContact(), null,
                ChargePlan.parts(amount, text.network(), charging.partMaxByNetwork()));
    }

    /**
     * Adds the query of what each donor asking to give has given or has in flight today (pending
     * and unknown count, to be safe), after their lock in the same pipeline; the map is filled
     * when the pipeline runs. It covers every such text of the batch, before anyone knows which
     * this batch takes; only those it takes consult it.
     */
    private static Map<Long, Money> spentToday(Pipeline pipeline, List<RecordedText> texts, LocalDate today) throws SQLException {
        Map<Long, Money> spent = new HashMap<>();
        Long[] donorIds = texts.stream().filter(t -> t.command() instanceof TextCommand.Donate).map(RecordedText::donorId).distinct()
                .toArray(Long[]::new);
        if (donorIds.length == 0) {
            return spent;
        }
        pipeline.query("select donor_id, sum(amount_pence) from donation where donor_id = any(?) and uk_day = ?"
                        + " and state in ('CHARGING', 'CHARGED', 'UNKNOWN') group by donor_id", rows -> {
                    while (rows.next()) {
                        spent.put(rows.getLong(1), Money.ofPence(rows.getLong(2)));
                    }
                }, pipeline.connection().createArrayOf("bigint", donorIds), today);
        return spent;
    }

    /** Texting the plain keyword is the charity's opt-in only, never the publisher's; KEYWORDNOINFO opts out. */
    private static Donors.ConsentStatement consentOf(RecordedText text, TextCommand.Donate donate) {
        String charity = donate.appeal().charity().name();
        String source = "keyword to " + text.shortcode() + (donate.noContact() ? " (no contact)" : "");
        return new Donors.ConsentStatement(text.donorId(), charity, !donate.noContact(), source, text.inboundId(),
                donate.noContact() ? Donors.ConsentStatement.Effect.NO_CONTACT : Donors.ConsentStatement.Effect.NONE);
    }

    /** Adds the donations, their parts and the messages, with ids from those reserved, then runs the pipeline (the consents are in it already). */
    private void writeDonations(Pipeline pipeline, List<NewDonation> donations, OutboxRows outbox, LocalDate today, Instant now, Ids reserved)
            throws SQLException {
        long[] donationIds = Ids.take(reserved.donations(), donations.size(), "donation ids");
        int partCount = donations.stream().mapToInt(d -> d.parts().size()).sum();
        long[] partIds = Ids.take(reserved.parts(), partCount, "charge part ids");
        List<int[]> partOutboxIndex = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        int partNumber = 0;
        for (NewDonation donation : donations) {
            for (ChargePart part : donation.parts()) {
                String requestId = RequestIds.forPart(partIds[partNumber++]);
                requestIds.add(requestId);
                // The billed reply goes from the shortcode the donor texted; the SMS adapter maps its price to a billing code.
                RecordedText source = donation.source();
                partOutboxIndex.add(new int[]{outbox.billed(source.donorId(), source.shortcode(),
                        Replies.billedMessage(donation.appeal(), part.amount()), part.amount(), requestId, source.network(), source.to())});
            }
        }
        long[] outboxIds = Ids.take(reserved.messages(), outbox.size(), "message ids");
        int n = donations.size();
        Long[] ids = new Long[n];
        String[] slugs = new String[n];
        Long[] donorIds = new Long[n];
        Long[] inboundIds = new Long[n];
        String[] channels = new String[n];
        Long[] amounts = new Long[n];
        Boolean[] noContact = new Boolean[n];
        String[] networks = new String[n];
        String[] states = new String[n];
        String[] reasons = new String[n];
        Boolean[] permanent = new Boolean[n];
        java.sql.Date[] ukDays = new java.sql.Date[n];
        Timestamp[] createdAt = new Timestamp[n];
        String[] giftAidTokens = new String[n];
        Long[] partIdColumn = new Long[partCount];
        Long[] partDonationIds = new Long[partCount];
        Integer[] partNos = new Integer[partCount];
        Long[] partAmounts = new Long[partCount];
        Long[] partOutboxIds = new Long[partCount];
        String[] partStates = new String[partCount];
        int partIndex = 0;
        for (int i = 0; i < n; i++) {
            NewDonation donation = donations.get(i);
            RecordedText source = donation.source();
            boolean rejected = donation.rejectedReason() != null;
            ids[i] = donationIds[i];
            slugs[i] = donation.appeal().slug();
            donorIds[i] = source.donorId();
            inboundIds[i] = source.inboundId();
            channels[i] = source.channel();
            amounts[i] = donation.amount().pence();
            noContact[i] = donation.noContact();
            networks[i] = source.network();
            states[i] = rejected ? "REJECTED" : "CHARGING";
            reasons[i] = donation.rejectedReason();
            permanent[i] = rejected ? Boolean.TRUE : null;
            ukDays[i] = java.sql.Date.valueOf(today);
            createdAt[i] = Timestamp.from(now);
            giftAidTokens[i] = rejected ? null : Tokens.keyed(donationIds[i]);
            for (ChargePart part : donation.parts()) {
                partIdColumn[partIndex] = partIds[partIndex];
                partDonationIds[partIndex] = donationIds[i];
                partNos[partIndex] = part.partNo();
                partAmounts[partIndex] = part.amount().pence();
                partOutboxIds[partIndex] = outboxIds[partOutboxIndex.get(partIndex)[0]];
                partStates[partIndex] = "PENDING";
                partIndex++;
            }
        }
        ArrayInsert.into("donation", n).column("id", "bigint", ids).column("appeal_slug", "text", slugs)
                .column("donor_id", "bigint", donorIds).column("inbound_id", "bigint", inboundIds).column("channel", "text", channels)
                .column("amount_pence", "bigint", amounts).column("no_contact", "boolean", noContact).column("network", "text", networks)
                .column("state", "text", states).column("reason", "text", reasons).column("permanent", "boolean", permanent)
                .column("uk_day", "date", ukDays).column("created_at", "timestamptz", createdAt).column("gift_aid_token", "text", giftAidTokens)
                .addTo(pipeline);
        ArrayInsert.into("charge_part", partCount).column("id", "bigint", partIdColumn).column("donation_id", "bigint", partDonationIds)
                .column("part_no", "int", partNos).column("amount_pence", "bigint", partAmounts)
                .column("request_id", "text", requestIds.toArray(new String[0])).column("outbox_id", "bigint", partOutboxIds)
                .column("state", "text", partStates)
                .addTo(pipeline);
        outbox.write(pipeline, outboxIds, now);
        pipeline.run();
    }

    private static void sleep(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the sweep, then acts on what is queued (bounded wait); what is left stays pending for the next start. */
    @Override
    public void close() {
        closed.countDown();
        try {
            sweeper.join(SWEEP_JOIN_MAX);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        committer.close();
    }
}
