package org.appealdesk.donation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.appealdesk.sms.OutboundMessage;

/**
 * Messages a batch wrote already claimed (SENDING, {@code claimed_at} set), handed to the sender in
 * memory once the batch has committed, so the sender need not claim them back from the database.
 * The claim was the largest statement per gift (a non-HOT update of every message row, BENCHMARKS.md);
 * the database claim remains for what does not fit here, for what is due again, and after a restart.
 *
 * <p>Why a message here can never go twice or be lost:
 * <ul>
 *   <li>Room is reserved before the rows are written and given back if their transaction fails,
 *       so the queue never holds more than {@code capacity} messages and no row is written SENDING
 *       without a place here.</li>
 *   <li>Room is only given while a sender takes messages ({@link #take} called within
 *       {@code liveWindow}); with no sender (an intake-only node, every bind down) rows are written
 *       PENDING as before.</li>
 *   <li>A message waits at most {@code ageMax}, well inside the janitor's claim timeout: an older
 *       one is never handed out but returned by {@link #expire} so its owner makes it due again.
 *       So the janitor, which treats a claim older than its timeout as a dead sender's, never
 *       races a message still waiting here.</li>
 *   <li>Whatever cannot be queued (closed, a message that cannot be built, a transaction whose
 *       commit failed ambiguously) is returned to the owner by id to be made due again.</li>
 * </ul>
 * The cost: if the process dies, what waited here is what a dead sender leaves claimed. The
 * janitor makes a free message due again and a billed one UNKNOWN, never sent blindly, so up to
 * {@code capacity} billed messages that never left would end not charged (before the handoff, at
 * most one claim and the binds' windows). The capacity is sized with that in mind.
 * Thread-safe; every method holds one lock briefly.
 */
final class Handoff {

    /**
     * Most messages waiting by default. At 2,000 gifts/s (about 3,700 messages/s) the sender takes
     * each within milliseconds, and batches bring 20-60 at a time, so 500 is rarely full; 2,000
     * measured no better, and what waits here is what a crash would leave UNKNOWN (see above):
     * 500 keeps that about as large as the binds' windows and one claim (4 × 100 + 100 in the bench).
     */
    static final int CAPACITY_DEFAULT = 500;
    /** Most messages a handoff may be configured to hold. */
    static final int CAPACITY_MAX = 100_000;

    /** Refuses a capacity outside 0-{@link #CAPACITY_MAX}, naming the setting it came from. */
    static void requireCapacity(String setting, int capacity) {
        if (capacity < 0 || capacity > CAPACITY_MAX) {
            throw new IllegalArgumentException(setting + " must be 0-" + CAPACITY_MAX + ", got " + capacity);
        }
    }

    /** Longest wait by default; capped by a tenth of the claim timeout (see {@link #ageMaxFor}). */
    static final Duration AGE_MAX_DEFAULT = Duration.ofSeconds(5);
    /** A sender counts as present while it took messages this recently (it polls every 50 ms when idle). */
    static final Duration LIVE_WINDOW = Duration.ofSeconds(1);

    private record Waiting(OutboundMessage message, long sinceNanos) {
    }

    /** Room reserved for one batch's rows, filled in once their ids are known. */
    static final class Ticket {
        private final int granted;
        private final List<OutboundMessage> messages = new ArrayList<>();
        private boolean settled;

        private Ticket(int granted) {
            this.granted = granted;
        }

        /** How many rows of the batch may be written as claimed. */
        int granted() {
            return granted;
        }

        /** Adds one of the rows written as claimed; at most {@link #granted} of them. */
        void add(OutboundMessage message) {
            if (messages.size() >= granted) {
                throw new IllegalStateException("ticket for " + granted + " messages is full");
            }
            messages.add(message);
        }
    }

    private final int capacity;
    private final long ageMaxNanos;
    private final long liveWindowNanos;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private int reserved;
    private static final int GRANTED = 0;
    private static final int NO_ROOM = 1;
    private static final int NO_SENDER = 2;
    private static final int EXPIRED = 3;
    private final long[] counts = new long[4];
    private long lastTakeNanos;
    private boolean taken;
    private boolean closed;

    /**
     * @param capacity 0 turns the handoff off: every row is written PENDING and claimed from the database
     * @param nanoClock System::nanoTime, or a test's clock
     */
    Handoff(int capacity, Duration ageMax, Duration liveWindow, LongSupplier nanoClock) {
        requireCapacity("handoff capacity", capacity);
        if (ageMax.isNegative() || ageMax.isZero()) {
            throw new IllegalArgumentException("handoff ageMax must be positive, got " + ageMax);
        }
        this.capacity = capacity;
        this.ageMaxNanos = ageMax.toNanos();
        this.liveWindowNanos = liveWindow.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * The longest a message may wait: the default, or a tenth of the claim timeout when that is
     * shorter. Its claimed_at is its batch's time, so the sender's own time before the janitor
     * steps in shrinks by this much: a tenth keeps nine tenths of it.
     */
    static Duration ageMaxFor(Duration claimTimeout) {
        Duration tenth = claimTimeout.dividedBy(10);
        return tenth.compareTo(AGE_MAX_DEFAULT) < 0 ? tenth : AGE_MAX_DEFAULT;
    }

    /** Reserves room for up to {@code wanted} messages; the ticket may grant fewer, or none. */
    synchronized Ticket reserve(int wanted) {
        int grant = 0;
        if (!closed && wanted > 0 && senderPresent()) {
            grant = Math.min(wanted, Math.max(0, capacity - queue.size() - reserved));
            counts[NO_ROOM] += wanted - grant;
        } else if (wanted > 0) {
            counts[NO_SENDER] += wanted;
        }
        counts[GRANTED] += grant;
        reserved += grant;
        return new Ticket(grant);
    }

    /**
     * Since start: messages written claimed for the handoff, written PENDING because it was full
     * or because no sender was taking, and expired before a sender took them. For the figures:
     * a large "no room" count means the sender is behind and the database claim carries the rest.
     */
    record Counts(int capacity, long granted, long noRoom, long noSender, long expired) {
    }

    synchronized Counts counts() {
        return new Counts(capacity, counts[GRANTED], counts[NO_ROOM], counts[NO_SENDER], counts[EXPIRED]);
    }

    /**
     * After the commit: the ticket's messages wait for the sender; room not used is given back.
     * Once closed, nothing is queued: the ids returned are to be made due again by the caller.
     */
    synchronized List<Long> publish(Ticket ticket) {
        if (!settle(ticket)) {
            return List.of();
        }
        if (closed) {
            return ticket.messages.stream().map(OutboundMessage::id).toList();
        }
        long now = nanoClock.getAsLong();
        ticket.messages.forEach(message -> queue.addLast(new Waiting(message, now)));
        return List.of();
    }

    /** After a rollback: the ticket's room is given back; its rows were never written. */
    synchronized void cancel(Ticket ticket) {
        settle(ticket);
    }

    private boolean settle(Ticket ticket) {
        if (ticket.settled) {
            return false;
        }
        ticket.settled = true;
        reserved -= ticket.granted;
        return true;
    }

    /** Up to {@code countMax} waiting messages, oldest first; none older than ageMax (see {@link #expire}). */
    synchronized List<OutboundMessage> take(int countMax) {
        long now = nanoClock.getAsLong();
        lastTakeNanos = now;
        taken = true;
        List<OutboundMessage> out = new ArrayList<>(Math.min(countMax, queue.size()));
        while (out.size() < countMax && !queue.isEmpty() && !tooOld(queue.peekFirst(), now)) {
            out.add(queue.pollFirst().message());
        }
        return out;
    }

    /** Removes and returns the ids of messages that waited longer than ageMax: their owner makes them due again. */
    synchronized List<Long> expire() {
        long now = nanoClock.getAsLong();
        List<Long> ids = new ArrayList<>();
        while (!queue.isEmpty() && tooOld(queue.peekFirst(), now)) {
            ids.add(queue.pollFirst().message().id());
        }
        counts[EXPIRED] += ids.size();
        return ids;
    }

    /** At shutdown: no more room is given, and every waiting message's id is returned to be made due again. */
    synchronized List<Long> close() {
        closed = true;
        List<Long> ids = new ArrayList<>(queue.size());
        queue.forEach(waiting -> ids.add(waiting.message().id()));
        queue.clear();
        return ids;
    }

    synchronized int waiting() {
        return queue.size();
    }

    private boolean senderPresent() {
        return taken && nanoClock.getAsLong() - lastTakeNanos <= liveWindowNanos;
    }

    private boolean tooOld(Waiting waiting, long now) {
        return now - waiting.sinceNanos() > ageMaxNanos;
    }
}
