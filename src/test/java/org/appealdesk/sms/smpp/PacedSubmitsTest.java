package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Eventually;
import org.junit.jupiter.api.Test;

class PacedSubmitsTest {

    private static final SmppSettings SETTINGS = SmppSettings.builder("127.0.0.1", 2775, "appealdesk", "pw")
            .billing(new BillingProfile.ShortcodePerPrice(Map.of(500L, "70905"))).build();
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** A paced submit sent: which, when, and by which thread. */
    private record Sent(long id, long atNanos, long threadId) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<String> notSent = new CopyOnWriteArrayList<>();
    // The message id whose submit throws, as a broken gateway's would (0: none).
    private volatile long failingId;
    private final BindSlot slot = new BindSlot(0, SETTINGS, null, null, new SessionWrites(), new SmppMetrics(new SimpleMeterRegistry(), () -> 0), () -> { });
    private final PacedSubmits paced = new PacedSubmits(slot, new PacedSubmits.Sends() {
        @Override
        public void submit(BindSlot on, OutboundMessage message, SubmitRequest request) {
            if (message.id() == failingId) {
                throw new IllegalStateException("broken submit " + message.id());
            }
            sent.add(new Sent(message.id(), System.nanoTime(), Thread.currentThread().threadId()));
        }

        @Override
        public void notSent(BindSlot on, OutboundMessage message, String why) {
            notSent.add(message.id() + ": " + why);
        }
    });

    @Test
    void submitsDueTogetherLeaveTogetherInTurnOrderAndNoneBeforeItsTurn() throws InterruptedException {
        // Proves a bind's paced submits are sent in turn order by one thread, none earlier than its turn less the send-ahead
        // allowance and none much later than its turn; those whose turns fall within the allowance of the first in one pass
        // (one write), a later one in a pass of its own; and the thread ends when nothing waits, a new one taking the next.
        long added = System.nanoTime(); // turns fixed from here, whatever the adds take (the first starts a virtual thread)
        long[] turnsMicros = {30_000, 30_200, 30_400, 30_600, 400_000};
        for (int i = 0; i < turnsMicros.length; i++) {
            paced.add(message(i + 1), request(i + 1), added + TimeUnit.MICROSECONDS.toNanos(turnsMicros[i]) - System.nanoTime());
        }
        assertThat(Eventually.holds(WAIT, () -> sent.size() == 5 && paced.passes() == 2 && !paced.sending()))
                .as("%s after %d passes", sent, paced.passes()).isTrue();

        assertThat(sent).extracting(Sent::id).containsExactly(1L, 2L, 3L, 4L, 5L);
        for (int i = 0; i < 5; i++) {
            long turn = added + TimeUnit.MICROSECONDS.toNanos(turnsMicros[i]);
            assertThat(sent.get(i).atNanos()).as("submit %d not before its turn less the allowance", i + 1)
                    .isGreaterThanOrEqualTo(turn - BindSlot.SEND_AHEAD_NANOS);
            assertThat(sent.get(i).atNanos()).as("submit %d not long after its turn", i + 1).isLessThan(turn + TimeUnit.SECONDS.toNanos(2));
        }
        assertThat(sent).extracting(Sent::threadId).containsOnly(sent.getFirst().threadId());

        paced.add(message(6), request(6), TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(Eventually.holds(WAIT, () -> sent.size() == 6)).isTrue();
        assertThat(sent.get(5).threadId()).as("a new thread for a submit after the first one ended").isNotEqualTo(sent.getFirst().threadId());
        assertThat(notSent).isEmpty();
    }

    @Test
    void afterCloseNewSubmitsAreNotSentAndThoseWaitingStillGo() throws InterruptedException {
        // Proves close() refuses what comes after it as not sent (safe to send again), while a submit already waiting is
        // still sent at its turn, as the gateway's close lets submits in flight finish.
        paced.add(message(1), request(1), TimeUnit.MILLISECONDS.toNanos(30));
        paced.close();
        paced.add(message(2), request(2), TimeUnit.MILLISECONDS.toNanos(30));

        assertThat(notSent).containsExactly("2: gateway closed");
        assertThat(Eventually.holds(WAIT, () -> sent.size() == 1)).isTrue();
        assertThat(sent.getFirst().id()).isEqualTo(1L);
    }

    @Test
    void abandonReportsEveryWaitingSubmitNotSentAndNothingGoesAfterIt() throws InterruptedException {
        // Proves abandon() (the gateway's close once its wait is over) reports each submit still waiting not sent, once,
        // sends none of them at their turns, and refuses later ones.
        paced.add(message(1), request(1), TimeUnit.MILLISECONDS.toNanos(150));
        paced.add(message(2), request(2), TimeUnit.MILLISECONDS.toNanos(160));

        assertThat(paced.abandon()).isEqualTo(2);
        paced.add(message(3), request(3), TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(Eventually.holds(WAIT, () -> !paced.sending())).isTrue();
        Thread.sleep(250); // past both turns

        assertThat(sent).isEmpty();
        assertThat(notSent).containsExactly("1: gateway closed before its turn", "2: gateway closed before its turn", "3: gateway closed");
    }

    @Test
    void aSubmitThatThrowsLeavesNoSubmitHeldAndTheNextOneStillGoes() throws InterruptedException {
        // Proves a pass whose submit throws (the gateway's never does, by contract) reports the rest of its pass and every
        // submit still waiting not sent, so no window permit is held for good, and the bind sends again afterwards.
        failingId = 2;
        long added = System.nanoTime();
        for (int i = 1; i <= 3; i++) {
            paced.add(message(i), request(i), added + TimeUnit.MILLISECONDS.toNanos(20) + i * 100_000L - System.nanoTime());
        }
        paced.add(message(4), request(4), TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(Eventually.holds(WAIT, () -> notSent.size() == 2 && !paced.sending())).as(notSent.toString()).isTrue();

        assertThat(sent).extracting(Sent::id).containsExactly(1L);
        assertThat(notSent).containsExactlyInAnyOrder("3: paced sending failed", "4: paced sending failed");
        failingId = 0;
        paced.add(message(5), request(5), TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(Eventually.holds(WAIT, () -> sent.size() == 2)).isTrue();
        assertThat(paced.waiting()).isZero();
    }

    private static OutboundMessage message(long id) {
        return new OutboundMessage(id, new PhoneNumber("447700900123"), "70141", "Thanks", null, null, null);
    }

    private static SubmitRequest request(long id) {
        return (SubmitRequest) SubmitRequest.plan(message(id), SETTINGS);
    }
}
