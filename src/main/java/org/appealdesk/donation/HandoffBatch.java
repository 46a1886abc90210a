package org.appealdesk.donation;

import java.util.ArrayList;
import java.util.List;
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

    /** A ticket of the current attempt, and how to build its messages (none until the rows are written). */
    private static final class Claimed {
        final Handoff.Ticket ticket;
        Supplier<List<OutboundMessage>> messages = List::of;

        Claimed(Handoff.Ticket ticket) {
            this.ticket = ticket;
        }
    }

    private final Handoff handoff;
    private final Function<byte[], PhoneNumber> opener;
    private final List<Claimed> claimed = new ArrayList<>();

    /** @param opener decrypts a donor's stored number (Donors::open), for rows that carry it sealed */
    HandoffBatch(Handoff handoff, Function<byte[], PhoneNumber> opener) {
        this.handoff = handoff;
        this.opener = opener;
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

    /** Says how to build the messages of the rows written under {@code ticket}; it runs after the commit, when their ids are known. */
    void claimed(Handoff.Ticket ticket, Supplier<List<OutboundMessage>> messages) {
        for (Claimed one : claimed) {
            if (one.ticket == ticket) {
                one.messages = messages;
                return;
            }
        }
        throw new IllegalStateException("ticket not reserved in this attempt");
    }

    PhoneNumber open(byte[] sealed) {
        return opener.apply(sealed);
    }

    /**
     * The transaction committed: the messages go to the sender. A message that cannot be built
     * (its number does not decrypt) stays claimed in the database, where the janitor finds it,
     * exactly as if a sender had claimed it and died.
     */
    void committed() {
        for (Claimed one : claimed) {
            try {
                one.messages.get().forEach(one.ticket::add);
            } catch (RuntimeException e) {
                log.error("{} claimed messages could not be handed to the sender; the janitor will find them", one.ticket.granted(), e);
            }
            handoff.publish(one.ticket);
        }
        claimed.clear();
    }

    /** The transaction failed: its rows were never written, so its room is given back. */
    void rolledBack() {
        claimed.forEach(one -> handoff.cancel(one.ticket));
        claimed.clear();
    }
}
