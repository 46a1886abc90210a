package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.OutboundMessage;
import org.junit.jupiter.api.Test;

/** The in-memory handoff's rules on a hand-driven clock: room only for a present sender, bounded, aged out, given back. */
class HandoffTest {

    private static final Duration AGE_MAX = Duration.ofSeconds(5);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Handoff handoff = new Handoff(3, AGE_MAX, Duration.ofSeconds(1), nanos::get);

    @Test
    void noRoomUntilASenderTakesAndNoneOnceItStopped() {
        // Proves: without a sender taking messages nothing is written claimed; a sender that stopped taking a
        // second ago (every bind down) gets no more room.
        assertThat(handoff.reserve(2).granted()).isZero();
        assertThat(handoff.take(10)).isEmpty();
        assertThat(handoff.reserve(2).granted()).isEqualTo(2);
        advance(Duration.ofMillis(1_001));
        assertThat(handoff.reserve(1).granted()).isZero();
        assertThat(handoff.counts()).as("the figures the bench prints").isEqualTo(new Handoff.Counts(3, 2, 0, 3, 0));
    }

    @Test
    void roomIsBoundedAndGivenBackWhenATransactionFails() {
        // Proves: reservations and waiting messages together never exceed the capacity; a cancelled ticket
        // (rolled back) frees its room, a published one keeps only what it used.
        handoff.take(0);
        Handoff.Ticket first = handoff.reserve(2);
        Handoff.Ticket second = handoff.reserve(5);
        assertThat(first.granted()).isEqualTo(2);
        assertThat(second.granted()).isEqualTo(1);
        assertThat(handoff.reserve(1).granted()).isZero();

        handoff.cancel(second);
        first.add(message(1));
        handoff.publish(first);
        handoff.cancel(first); // settling twice changes nothing
        assertThat(handoff.waiting()).isEqualTo(1);
        Handoff.Ticket rest = handoff.reserve(5);
        assertThat(rest.granted()).as("one waiting, none reserved").isEqualTo(2);
        handoff.cancel(rest);
        Handoff.Ticket single = handoff.reserve(1);
        single.add(message(2));
        assertThatThrownBy(() -> single.add(message(3))).as("a ticket holds what it was granted").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void messagesGoOldestFirstAndNeverAfterTheirAgeLimit() {
        // Proves: take hands out the oldest first, up to the count asked; a message older than ageMax is never
        // handed out but returned by expire, for its owner to make due again.
        handoff.take(0);
        publish(message(1));
        advance(Duration.ofSeconds(3));
        handoff.take(0); // the sender is still there (it takes often; this clock jumps)
        publish(message(2), message(3));
        assertThat(handoff.take(1)).extracting(OutboundMessage::id).containsExactly(1L);

        advance(Duration.ofSeconds(3));
        handoff.take(0); // the sender is still there
        publish(message(4)); // message 2 and 3 are 3 s old, 4 is new
        advance(Duration.ofMillis(2_500)); // 2 and 3 are now 5.5 s old
        assertThat(handoff.take(10)).as("the head is too old: nothing is handed out past it").isEmpty();
        assertThat(handoff.expire()).containsExactly(2L, 3L);
        assertThat(handoff.take(10)).extracting(OutboundMessage::id).containsExactly(4L);
        assertThat(handoff.expire()).isEmpty();
    }

    @Test
    void closingReturnsWhatWaitsAndGivesNoMoreRoom() {
        // Proves: at shutdown every waiting message is returned to be made due again, no batch may write more
        // claimed rows, and a batch that reserved before the close gets its messages back when it publishes.
        handoff.take(0);
        publish(message(7), message(8));
        Handoff.Ticket inFlight = handoff.reserve(1);
        inFlight.add(message(9));
        assertThat(handoff.close()).containsExactly(7L, 8L);
        assertThat(handoff.waiting()).isZero();
        assertThat(handoff.reserve(1).granted()).isZero();
        assertThat(handoff.publish(inFlight)).containsExactly(9L);
        assertThat(handoff.waiting()).isZero();
    }

    @Test
    void theAgeLimitStaysWellInsideTheJanitorsClaimTimeout() {
        // Proves: a message waits at most five seconds, or a tenth of a short claim timeout, so the janitor
        // never takes a waiting message for a dead sender's and the sender keeps nine tenths of its time.
        assertThat(Handoff.ageMaxFor(Duration.ofMinutes(2))).isEqualTo(Duration.ofSeconds(5));
        assertThat(Handoff.ageMaxFor(Duration.ofSeconds(8))).isEqualTo(Duration.ofMillis(800));
    }

    private void publish(OutboundMessage... messages) {
        Handoff.Ticket ticket = handoff.reserve(messages.length);
        assertThat(ticket.granted()).isEqualTo(messages.length);
        for (OutboundMessage message : messages) {
            ticket.add(message);
        }
        assertThat(handoff.publish(ticket)).isEmpty();
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private static OutboundMessage message(long id) {
        return new OutboundMessage(id, PhoneNumber.parse("447700900001"), "70141", "hello " + id, null, null, "o2");
    }
}
