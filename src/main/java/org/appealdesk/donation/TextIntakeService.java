package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.donor.Donors;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.platform.Sequences;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.KeywordParser;
import org.appealdesk.sms.TextCommand;
import org.appealdesk.sms.TextIntake;

/**
 * Durable, idempotent intake of donors' texts, group-committed, in two stages.
 *
 * <p>Recording (here), in one transaction per batch: each text is recorded once by (channel,
 * donor, external id), with a pending row beside each new one. Only after that commit does the
 * adapter acknowledge the network. Acting ({@link TextActing}), behind it: a gift within the caps
 * becomes a donation with its charge parts and billed messages (request ids generated before
 * anything is sent); everything else gets its free reply. The acknowledgement waits for the
 * first only: about a third of the statement time a text, and half of PostgreSQL's time at
 * 5,000 texts/s (BENCHMARKS.md, two-stage intake). Whenever in doubt, nothing is charged.
 */
public final class TextIntakeService implements TextIntake, AutoCloseable {

    /**
     * How long the acting stage's writer lingers for more texts. Nobody waits on its batches for an
     * acknowledgement, and large ones cost less a text: at 5,000 texts/s, batches of about 460
     * took 91 µs a text and PostgreSQL 0.55 cores, against about 40 a batch, 142 µs and 0.70
     * cores with the recording writer's 2 ms (BENCHMARKS.md, two-stage intake). A gift's thank-you
     * waits up to this much longer.
     */
    public static final Duration ACTING_LINGER_DEFAULT = Duration.ofMillis(50);
    /** Most texts the acting stage's writer takes in one transaction. */
    static final int ACTING_BATCH_SIZE_MAX = 1_000;

    private final KeywordParser parser;
    private final Donors donors;
    private final InstantSource clock;
    private final TextActing acting;
    private final List<GroupCommitter<InboundText, IntakeOutcome>> writers;

    /**
     * @param writers group-commit writers that record texts, each holding one pooled connection while
     *                it commits (the pool needs room for them, the acting stage's and the rest); a
     *                donor's texts always go to the same one (by phone number). One writer is bound
     *                by PostgreSQL's work per text in its one backend; more use more cores.
     * @param actingLinger how long the acting stage lingers for more texts (at least the recording
     *                writers' linger; {@link #ACTING_LINGER_DEFAULT} unless a test needs it shorter)
     * @param sender  the outbox the texts' messages go out from: they are handed to its sender in
     *                memory after each commit where it has room; null writes them all for its claim
     */
    public TextIntakeService(Database database, AppealCatalog catalog, Donors donors, ChargeSettings charging,
                             InstantSource clock, GroupCommitter.Settings batching, int writers, Duration actingLinger, ChargeEventService sender) {
        this(database, catalog, donors, charging, clock, batching, writers, actingLinger, TextActing.BACKLOG_MAX_DEFAULT,
                TextActing.SPILL_MAX_DEFAULT, sender);
    }

    /**
     * @param backlogMax most texts recorded and not yet acted on held in memory (tests set a small one)
     * @param spillMax   most such texts beyond those, waiting in the database only, before texts are refused
     */
    TextIntakeService(Database database, AppealCatalog catalog, Donors donors, ChargeSettings charging, InstantSource clock,
                      GroupCommitter.Settings batching, int writers, Duration actingLinger, int backlogMax, int spillMax,
                      ChargeEventService sender) {
        GroupCommitter.requireWriters("text intake writers", writers);
        this.parser = new KeywordParser(catalog);
        this.donors = donors;
        this.clock = clock;
        this.acting = new TextActing(database, catalog, parser, donors, charging, clock, actingSettings(batching, writers, actingLinger, backlogMax),
                backlogMax, spillMax, sender);
        this.writers = GroupCommitter.writers(batching, writers, database, Recording::new);
    }

    /**
     * The acting stage's writer: larger batches than recording's, and a queue that holds its
     * backlog limit plus whatever the recording writers may have queued while there was room,
     * plus one sweep.
     */
    private static GroupCommitter.Settings actingSettings(GroupCommitter.Settings recording, int writers, Duration actingLinger, int backlogMax) {
        int capacity = backlogMax + recording.queueCapacity() * writers + recording.batchSizeMax() * writers
                + TextActing.SWEEP_ROWS_MAX;
        Duration linger = actingLinger.compareTo(recording.lingerMax()) > 0 ? actingLinger : recording.lingerMax();
        return new GroupCommitter.Settings("text-acting", Math.max(recording.batchSizeMax(), ACTING_BATCH_SIZE_MAX), capacity, linger);
    }

    /**
     * Refuses a text at once, as a full queue does, while the acting stage's backlog is full, in
     * memory and in the database: the network sends it again later.
     */
    @Override
    public CompletableFuture<IntakeOutcome> submit(InboundText text) {
        if (!acting.canTake()) {
            return CompletableFuture.failedFuture(new RejectedExecutionException(
                    "text intake: " + acting.backlog() + " recorded texts wait to be acted on (at most " + acting.backlogMax() + ")"));
        }
        return writers.get(writerOf(text.source())).submit(text);
    }

    /** Which writer takes a number's texts: always the same one. */
    int writerOf(PhoneNumber number) {
        return Math.floorMod(number.hashCode(), writers.size());
    }

    /**
     * Waits until every text recorded so far on this node has been acted on (its donation or reply
     * written), or the timeout passes; true when it has. An acknowledged text is recorded, not yet
     * acted on: tests and tools that read what a text caused wait here first.
     */
    public boolean awaitActed(Duration timeout) {
        return acting.awaitIdle(timeout);
    }

    /**
     * Texts acknowledged on this node and not yet acted on, held in memory (20,000 at most by
     * default) or waiting in the database only (a million more): what an on-call engineer watches
     * at a peak. New texts are refused past both.
     */
    public int waitingToAct() {
        return acting.backlog();
    }

    /** Of {@link #waitingToAct}, those waiting in the database only, not held in memory: a burst past what acting keeps up with. */
    public int waitingInDatabaseOnly() {
        return acting.spilledWaiting();
    }

    /**
     * Texts whose acting failed, even alone in its own transaction, and has not succeeded since: each
     * is tried again by the sweep once it is 10 s old and after a growing wait (1 s doubling to a
     * minute). Above 0 for long, it is a bug or bad data for an engineer to look at; the texts stay
     * recorded meanwhile.
     */
    public int failingToAct() {
        return acting.failing();
    }

    /** Queues for acting the recorded texts older than {@code grace} that this node does not hold (one sweep page, at once); returns how many. */
    int sweepPending(Duration grace) {
        return acting.sweep(grace, TextActing.SWEEP_ROWS_MAX, 0).queued();
    }

    /** One page of the sweep, of at most {@code rowsMax} rows after inbound id {@code after} (tests page with a small one). */
    TextActing.Swept sweepPending(Duration grace, int rowsMax, long after) {
        return acting.sweep(grace, rowsMax, after);
    }

    /** One recording writer's batch work: what it recorded goes to the acting stage once its batch is durable. */
    private final class Recording implements GroupCommitter.BatchWork<InboundText, IntakeOutcome> {
        private List<TextActing.RecordedText> recorded = List.of();

        @Override
        public List<IntakeOutcome> run(Connection connection, List<InboundText> texts) throws SQLException {
            recorded = List.of();
            List<TextActing.RecordedText> fresh = new ArrayList<>();
            List<IntakeOutcome> outcomes = record(connection, texts, fresh);
            recorded = fresh;
            return outcomes;
        }

        @Override
        public void committed() {
            acting.handOver(recorded);
            recorded = List.of();
        }

        @Override
        public void rolledBack() {
            recorded = List.of();
        }
    }

    /** One parsed, not-yet-duplicate text and where it stands in the batch. */
    private record Parsed(InboundText text, TextCommand command, long donorId, long inboundId) {
    }

    /**
     * One batch in two round trips before the commit, each a {@link Pipeline}: (1) the donors (found
     * or created, not locked) and the texts' ids; (2) the texts, each new one with its pending row.
     * The new ones are added to {@code fresh}, for the acting stage.
     */
    private List<IntakeOutcome> record(Connection connection, List<InboundText> texts, List<TextActing.RecordedText> fresh) throws SQLException {
        Instant now = clock.instant();
        Pipeline pipeline = new Pipeline(connection);
        Donors.Resolution donorsFound = donors.resolve(pipeline, texts.stream().map(InboundText::source).toList(), now);
        long[] inboundIds = Sequences.reserve(pipeline, "inbound_message_id_seq", texts.size());
        pipeline.run();
        Map<PhoneNumber, Long> donorIds = donorsFound.ids(connection);
        List<Parsed> parsed = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            InboundText text = texts.get(i);
            parsed.add(new Parsed(text, parser.parse(text.destination(), text.body()), donorIds.get(text.source()), inboundIds[i]));
        }
        Set<Long> inserted = insertInbound(pipeline, parsed);
        pipeline.run();
        List<IntakeOutcome> outcomes = new ArrayList<>(texts.size());
        for (Parsed p : parsed) {
            boolean isNew = inserted.contains(p.inboundId());
            outcomes.add(isNew ? IntakeOutcome.RECORDED : IntakeOutcome.DUPLICATE);
            if (isNew) {
                // Every reply goes back to the number the text came from, known here in clear.
                fresh.add(new TextActing.RecordedText(p.inboundId(), p.donorId(), p.text().channel(), p.text().destination(),
                        p.text().network(), p.command(), OutboxRows.Destination.of(p.text().source())));
            }
        }
        return outcomes;
    }

    /**
     * Inserts every text, and a pending row beside each new one, in one statement; a redelivery
     * (same channel, donor and external id) is skipped by the database. Returns the new texts' ids.
     */
    private static Set<Long> insertInbound(Pipeline pipeline, List<Parsed> parsed) throws SQLException {
        int n = parsed.size();
        Long[] ids = new Long[n];
        String[] channels = new String[n];
        String[] externalIds = new String[n];
        Long[] donorIds = new Long[n];
        String[] destinations = new String[n];
        String[] bodies = new String[n];
        String[] networks = new String[n];
        String[] commands = new String[n];
        Timestamp[] receivedAt = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            Parsed p = parsed.get(i);
            ids[i] = p.inboundId();
            channels[i] = p.text().channel();
            externalIds[i] = p.text().externalId();
            donorIds[i] = p.donorId();
            destinations[i] = p.text().destination();
            // PostgreSQL text cannot hold NUL; a donor's stray control byte must not sink the batch.
            bodies[i] = p.text().body().replace('\0', '\uFFFD');
            networks[i] = p.text().network();
            commands[i] = commandName(p.command());
            receivedAt[i] = Timestamp.from(p.text().receivedAt());
        }
        Set<Long> inserted = new HashSet<>();
        ArrayInsert.into("inbound_message", ids.length)
                .column("id", "bigint", ids).column("channel", "text", channels).column("external_id", "text", externalIds)
                .column("donor_id", "bigint", donorIds).column("destination", "text", destinations).column("body", "text", bodies)
                .column("network", "text", networks).column("command", "text", commands).column("received_at", "timestamptz", receivedAt)
                .addWith(pipeline, "on conflict (channel, donor_id, external_id) do nothing returning id", "recorded",
                        "insert into text_pending (inbound_id) select id from recorded returning inbound_id", rows -> {
                            while (rows.next()) {
                                inserted.add(rows.getLong(1));
                            }
                        });
        return inserted;
    }

    private static String commandName(TextCommand command) {
        return switch (command) {
            case TextCommand.Donate d -> "DONATE";
            case TextCommand.Stop s -> s.all() ? "STOP_ALL" : "STOP";
            case TextCommand.OptOut o -> o.kind().name();
            case TextCommand.Help h -> "HELP";
            case TextCommand.AmountNotOffered a -> "AMOUNT_NOT_OFFERED";
            case TextCommand.NotUnderstood n -> "NOT_UNDERSTOOD";
        };
    }

    /** The writers' figures together: batches, items, commit time and latencies summed, the largest batch, and how many writers. */
    public GroupCommitter.Stats stats() {
        return GroupCommitter.combinedStats(writers);
    }

    /** The acting stage's figures. */
    public GroupCommitter.Stats actingStats() {
        return acting.stats();
    }

    /**
     * Stops every writer taking texts first, then waits for each to commit what it has, then for the
     * acting stage to act on what they handed it; what it cannot finish stays pending for the next start.
     */
    @Override
    public void close() {
        writers.forEach(GroupCommitter::stopTaking);
        writers.forEach(GroupCommitter::close);
        acting.close();
    }
}
