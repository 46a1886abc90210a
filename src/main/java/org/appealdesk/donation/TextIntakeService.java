package org.appealdesk.donation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.donor.Donors;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Pipeline;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.Sequences;
import org.appealdesk.platform.Tokens;
import org.appealdesk.platform.UkCalendar;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.KeywordParser;
import org.appealdesk.sms.Replies;
import org.appealdesk.sms.TextCommand;
import org.appealdesk.sms.TextIntake;

/**
 * Durable, idempotent intake of donors' texts, group-committed.
 *
 * <p>In one transaction per batch: each text is recorded once by (channel, donor, external id);
 * a new text is parsed, and a gift within the caps becomes a donation with its charge parts and
 * their billed messages in the outbox (request ids generated here, before anything is sent);
 * everything else gets its free reply in the outbox. Only after that commit does the adapter
 * acknowledge the network. Whenever in doubt, nothing is charged.
 */
public final class TextIntakeService implements TextIntake, AutoCloseable {

    /** Length of the random part of a charge request id (the aggregator allows 80 characters). */
    private static final int REQUEST_ID_RANDOM_LENGTH = 24;
    /** Length of a Gift Aid link token: about 71 bits, unguessable. */
    private static final int GIFT_AID_TOKEN_LENGTH = 12;
    /** Most writers the intake may be split over (each needs a pooled connection while it commits). */
    public static final int WRITERS_MAX = 8;

    private final AppealCatalog catalog;
    private final KeywordParser parser;
    private final Donors donors;
    private final ChargeSettings charging;
    private final InstantSource clock;
    private final List<GroupCommitter<InboundText, IntakeOutcome>> writers;

    /**
     * @param writers group-commit writers, each holding one pooled connection while it commits
     *                (the pool needs room for them and the rest); a donor's texts always go to the
     *                same one (by phone number), so two writers never queue behind each other's
     *                donor row locks (the cap and redelivery are safe either way: donors are locked
     *                FOR UPDATE and texts are unique). One writer is bound by PostgreSQL's work per
     *                text in its one backend; more use more cores.
     * @param sender  the outbox the texts' messages go out from: they are handed to its sender in
     *                memory after each commit where it has room; null writes them all for its claim
     */
    public TextIntakeService(Database database, AppealCatalog catalog, Donors donors, ChargeSettings charging,
                             InstantSource clock, GroupCommitter.Settings batching, int writers, ChargeEventService sender) {
        requireWriters("text intake writers", writers);
        this.catalog = catalog;
        this.parser = new KeywordParser(catalog);
        this.donors = donors;
        this.charging = charging;
        this.clock = clock;
        List<GroupCommitter<InboundText, IntakeOutcome>> created = new ArrayList<>(writers);
        for (int index = 0; index < writers; index++) {
            GroupCommitter.Settings named = writers == 1 ? batching
                    : new GroupCommitter.Settings(batching.name() + "-" + index, batching.batchSizeMax(), batching.queueCapacity(), batching.lingerMax());
            // Each writer has its own share of the handoff: a batch's room belongs to its writer's transaction.
            GroupCommitter.BatchWork<InboundText, IntakeOutcome> work = sender == null
                    ? (connection, texts) -> record(connection, texts, null)
                    : sender.handedOffBatches(this::record);
            created.add(new GroupCommitter<>(named, database, work));
        }
        this.writers = List.copyOf(created);
    }

    @Override
    public CompletableFuture<IntakeOutcome> submit(InboundText text) {
        return writers.get(writerOf(text.source())).submit(text);
    }

    /** Refuses a writer count outside 1-{@link #WRITERS_MAX}, naming the setting it came from. */
    public static void requireWriters(String setting, int writers) {
        if (writers < 1 || writers > WRITERS_MAX) {
            throw new IllegalArgumentException(setting + " must be 1-" + WRITERS_MAX + ", got " + writers);
        }
    }

    /** Which writer takes a number's texts: always the same one. */
    int writerOf(PhoneNumber number) {
        return Math.floorMod(number.hashCode(), writers.size());
    }

    /** One parsed, not-yet-duplicate text and where it stands in the batch. */
    private record Parsed(int index, InboundText text, TextCommand command, long donorId, long inboundId) {
    }

    /**
     * One batch in three round trips before the commit, each a {@link Pipeline} of statements that
     * do not need each other's results: (1) the donors, and ids for everything the batch may write;
     * (2) the texts and what the donors giving have given today; (3) consents, donations, parts and
     * messages. Ids are reserved up front, for the most the texts can need, which saves the round
     * trip that reserved them once the texts were decided on (one of four, with two thread
     * wake-ups; BENCHMARKS.md, the acknowledgement tail). Ids a batch does not use are left as
     * gaps in the sequences, which no one counts on.
     */
    private List<IntakeOutcome> record(Connection connection, List<InboundText> texts, HandoffBatch handoff) throws SQLException {
        Instant now = clock.instant();
        List<TextCommand> commands = new ArrayList<>(texts.size());
        for (InboundText text : texts) {
            commands.add(parser.parse(text.destination(), text.body()));
        }
        Pipeline pipeline = new Pipeline(connection);
        Donors.Resolution donorsFound = donors.resolveAndLock(pipeline, texts.stream().map(InboundText::source).toList(), now);
        long[] inboundIds = Sequences.reserve(pipeline, "inbound_message_id_seq", texts.size());
        Ids ids = reserveIds(pipeline, texts, commands);
        pipeline.run();
        Map<PhoneNumber, Long> donorIds = donorsFound.ids(connection);
        List<Parsed> parsed = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            InboundText text = texts.get(i);
            parsed.add(new Parsed(i, text, commands.get(i), donorIds.get(text.source()), inboundIds[i]));
        }
        LocalDate today = UkCalendar.dayOf(now);
        Set<Long> inserted = insertInbound(pipeline, parsed);
        Map<Long, Money> spentToday = spentToday(pipeline, parsed, today);
        pipeline.run();
        List<IntakeOutcome> outcomes = new ArrayList<>(texts.size());
        List<Parsed> fresh = new ArrayList<>();
        for (Parsed p : parsed) {
            boolean isNew = inserted.contains(p.inboundId());
            outcomes.add(isNew ? IntakeOutcome.RECORDED : IntakeOutcome.DUPLICATE);
            if (isNew) {
                fresh.add(p);
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
    private Ids reserveIds(Pipeline pipeline, List<InboundText> texts, List<TextCommand> commands) {
        int donations = 0;
        int parts = 0;
        int messages = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (commands.get(i) instanceof TextCommand.Donate donate) {
                int planned = ChargePlan.parts(donate.amount(), texts.get(i).network(), charging.partMaxByNetwork()).size();
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

    /** Inserts every text; a redelivery (same channel, donor and external id) is skipped by the database. */
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
                .addTo(pipeline, "on conflict (channel, donor_id, external_id) do nothing returning id", rows -> {
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

    /** A donation about to be written, with its parts. */
    private record NewDonation(Parsed source, Appeal appeal, Money amount, boolean noContact, String rejectedReason, List<ChargePart> parts) {
    }

    private void act(Pipeline pipeline, List<Parsed> fresh, Map<Long, Money> spentToday, LocalDate today, Instant now, HandoffBatch handoff,
                     Ids ids) throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        List<NewDonation> donations = new ArrayList<>();
        OutboxRows outbox = new OutboxRows(handoff);
        List<Donors.ConsentStatement> consents = new ArrayList<>();
        for (Parsed p : fresh) {
            String shortcode = p.text().destination();
            String network = p.text().network();
            // Every reply goes back to the number the text came from, known here in clear.
            OutboxRows.Destination to = OutboxRows.Destination.of(p.text().source());
            switch (p.command()) {
                case TextCommand.Donate donate -> {
                    NewDonation donation = decide(p, donate, spentToday);
                    donations.add(donation);
                    if (donation.rejectedReason() != null) {
                        outbox.free(p.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.dailyCapReached(donate.appeal()), network, to);
                    }
                    consents.add(consentOf(p, donate));
                }
                case TextCommand.Stop stop -> {
                    consents.add(new Donors.ConsentStatement(p.donorId(), "*", false, stop.all() ? "STOP ALL" : "STOP", p.inboundId(),
                            Donors.ConsentStatement.Effect.STOP));
                    outbox.free(p.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.stopped(), network, to);
                }
                case TextCommand.OptOut optOut -> {
                    consents.add(new Donors.ConsentStatement(p.donorId(), "*", false, optOut.kind().name(), p.inboundId(),
                            Donors.ConsentStatement.Effect.NO_CONTACT));
                    outbox.free(p.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.optedOut(), network, to);
                }
                case TextCommand.Help help -> {
                    List<Appeal> appeals = catalog.appealsOn(shortcode);
                    String reply = appeals.isEmpty() ? Replies.notRecognised() : Replies.help(appeals.getFirst());
                    outbox.free(p.donorId(), OutboxRows.Kind.REPLY, shortcode, reply, network, to);
                }
                case TextCommand.AmountNotOffered notOffered ->
                        outbox.free(p.donorId(), OutboxRows.Kind.REPLY, shortcode, Replies.howToDonate(notOffered.appeal(), shortcode), network, to);
                case TextCommand.NotUnderstood notUnderstood -> {
                    // Never guess which appeal was meant: only a shortcode with exactly one appeal
                    // gets that appeal's instructions (DOMAIN.md, the 2014 near-miss keywords).
                    List<Appeal> appeals = catalog.appealsOn(shortcode);
                    String reply = appeals.size() == 1 ? Replies.howToDonate(appeals.getFirst(), shortcode) : Replies.notRecognised();
                    outbox.free(p.donorId(), OutboxRows.Kind.REPLY, shortcode, reply, network, to);
                }
            }
        }
        donors.record(pipeline, consents, now);
        writeDonations(pipeline, donations, outbox, today, now, ids);
    }

    /** Per-text maximum and per-number daily cap, counting this batch's earlier gifts too. */
    private NewDonation decide(Parsed p, TextCommand.Donate donate, Map<Long, Money> spentToday) {
        Appeal appeal = donate.appeal();
        Money amount = donate.amount();
        if (amount.isGreaterThan(appeal.maxPerText())) {
            return new NewDonation(p, appeal, amount, donate.noContact(), "OVER_MAX_PER_TEXT", List.of());
        }
        Money spent = spentToday.getOrDefault(p.donorId(), Money.ZERO);
        if (spent.plus(amount).isGreaterThan(appeal.dailyCapPerNumber())) {
            return new NewDonation(p, appeal, amount, donate.noContact(), "DAILY_CAP", List.of());
        }
        spentToday.put(p.donorId(), spent.plus(amount));
        return new NewDonation(p, appeal, amount, donate.noContact(), null,
                ChargePlan.parts(amount, p.text().network(), charging.partMaxByNetwork()));
    }

    /**
     * Adds the query of what each donor asking to give has given or has in flight today (pending
     * and unknown count, to be safe); the map is filled when the pipeline runs. It covers every
     * such text of the batch, redeliveries too, because it goes with the texts' insert, before
     * anyone knows which are new; only new texts consult it.
     */
    private static Map<Long, Money> spentToday(Pipeline pipeline, List<Parsed> parsed, LocalDate today) throws SQLException {
        Map<Long, Money> spent = new HashMap<>();
        Long[] donorIds = parsed.stream().filter(p -> p.command() instanceof TextCommand.Donate).map(Parsed::donorId).distinct().toArray(Long[]::new);
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
    private static Donors.ConsentStatement consentOf(Parsed p, TextCommand.Donate donate) {
        String charity = donate.appeal().charity().name();
        String source = "keyword to " + p.text().destination() + (donate.noContact() ? " (no contact)" : "");
        return new Donors.ConsentStatement(p.donorId(), charity, !donate.noContact(), source, p.inboundId(),
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
        for (NewDonation donation : donations) {
            for (ChargePart part : donation.parts()) {
                String requestId = "ad" + Tokens.random(REQUEST_ID_RANDOM_LENGTH);
                requestIds.add(requestId);
                // The billed reply goes from the shortcode the donor texted; the SMS adapter maps its price to a billing code.
                partOutboxIndex.add(new int[]{outbox.billed(donation.source().donorId(), donation.source().text().destination(),
                        Replies.billedMessage(donation.appeal(), part.amount()), part.amount(), requestId, donation.source().text().network(),
                        OutboxRows.Destination.of(donation.source().text().source()))});
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
            Parsed source = donation.source();
            boolean rejected = donation.rejectedReason() != null;
            ids[i] = donationIds[i];
            slugs[i] = donation.appeal().slug();
            donorIds[i] = source.donorId();
            inboundIds[i] = source.inboundId();
            channels[i] = source.text().channel();
            amounts[i] = donation.amount().pence();
            noContact[i] = donation.noContact();
            networks[i] = source.text().network();
            states[i] = rejected ? "REJECTED" : "CHARGING";
            reasons[i] = donation.rejectedReason();
            permanent[i] = rejected ? Boolean.TRUE : null;
            ukDays[i] = java.sql.Date.valueOf(today);
            createdAt[i] = Timestamp.from(now);
            giftAidTokens[i] = rejected ? null : Tokens.random(GIFT_AID_TOKEN_LENGTH);
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

    /** The writers' figures together: batches, items, commit time and latencies summed, the largest batch, and how many writers. */
    public GroupCommitter.Stats stats() {
        List<GroupCommitter.Stats> each = writers.stream().map(GroupCommitter::stats).toList();
        String first = each.getFirst().name();
        String name = writers.size() == 1 ? first : first.replaceAll("-0$", "") + " (" + writers.size() + " writers)";
        return GroupCommitter.Stats.combine(name, each);
    }

    /** Stops every writer taking texts first, then waits for each to commit what it has. */
    @Override
    public void close() {
        writers.forEach(GroupCommitter::stopTaking);
        writers.forEach(GroupCommitter::close);
    }
}
