package org.appealdesk.donation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group-commit writer's share of the {@link Handoff}: the room its current transaction
 * reserved, and how to build the messages once their ids are known. The writer calls
 * {@link #begin} before each attempt (a retried transaction reserves afresh), then
 * {@link #committed} or {@link #rolledBack}. Used by one writer thread at a time.
 */
final class HandoffBatch {

    private static final Logger log = LoggerFactory.getLogger(HandoffBatch.class);

    /** A ticket of the current attempt, how to build its messages, and their ids (none until the rows are written). */
    private static final class Claimed {
        final Handoff.Ticket ticket;
        Supplier<List<OutboundMessage>> messages = List::of;
        Supplier<List<Long>> ids = List::of;

        Claimed(Handoff.Ticket ticket) {
            this.ticket = ticket;
        }
    }

    private final Handoff handoff;
    private final Function<byte[], PhoneNumber> opener;
    private final Consumer<List<Long>> orphans;
    private final List<Claimed> claimed = new ArrayList<>();

    /**
     * @param opener  decrypts a donor's stored number (Donors::open), for rows that carry it sealed
     * @param orphans takes the ids of rows that may be in the database claimed with no sender to
     *                send them, to be made due again (a no-op for rows that were never committed)
     */
    HandoffBatch(Handoff handoff, Function<byte[], PhoneNumber> opener, Consumer<List<Long>> orphans) {
        this.handoff = handoff;
        this.opener = opener;
        this.orphans = orphans;
    }

    /** Starts an attempt: room held by an earlier attempt of the same batch is given back. */
    void begin() {
        rolledBack();
    }

    /** Reserves room for the current attempt; it is given back by {@link #rolledBack} whatever happens next. */
    Handoff.Ticket reserve(int wanted) {
        Handoff.Ticket ticket = handoff.reserve(wanted);
        if (ticket.granted() > 0) {
            claimed.add(new Claimed(ticket));
        }
        return ticket;
    }

    /**
     * Says how to build the messages of the rows written under {@code ticket}, and their ids; both
     * run after the commit or the failure, when the ids are known (unknown ids are 0).
     */
    void claimed(Handoff.Ticket ticket, Supplier<List<OutboundMessage>> messages, Supplier<List<Long>> ids) {
        for (Claimed one : claimed) {
            if (one.ticket == ticket) {
                one.messages = messages;
                one.ids = ids;
                return;
            }
        }
        throw new IllegalStateException("ticket not reserved in this attempt");
    }

    PhoneNumber open(byte[] sealed) {
        return opener.apply(sealed);
    }

    /**
     * The transaction committed: the messages go to the sender. If they cannot be built (a number
     * does not decrypt) or the handoff has closed, their rows are made due again instead.
     */
    void committed() {
        for (Claimed one : claimed) {
            List<OutboundMessage> messages;
            try {
                messages = one.messages.get();
            } catch (RuntimeException e) {
                log.error("{} claimed messages could not be handed to the sender; they are made due again", one.ticket.granted(), e);
                handoff.cancel(one.ticket);
                orphan(one);
                continue;
            }
            messages.forEach(one.ticket::add);
            List<Long> refused = handoff.publish(one.ticket);
            if (!refused.isEmpty()) {
                orphans.accept(refused);
            }
        }
        claimed.clear();
    }

    /**
     * The transaction failed: its room is given back. Its rows are normally not in the database,
     * but a commit can fail after the server made it durable (the connection dropped): so their
     * ids are made due again too, which changes nothing for rows that do not exist.
     */
    void rolledBack() {
        for (Claimed one : claimed) {
            handoff.cancel(one.ticket);
            orphan(one);
        }
        claimed.clear();
    }

    private void orphan(Claimed one) {
        List<Long> ids = one.ids.get().stream().filter(id -> id > 0).toList();
        if (!ids.isEmpty()) {
            orphans.accept(ids);
        }
    }
}
