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

    /** What the paced submits did: each sent one with when and on which thread, and each refused one with why. */
    private record Sent(long id, long atNanos, String thread) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<String> notSent = new CopyOnWriteArrayList<>();
    private final BindSlot slot = new BindSlot(0, SETTINGS, null, null, new SessionWrites(), new SmppMetrics(new SimpleMeterRegistry(), () -> 0), () -> { });
    private final PacedSubmits paced = new PacedSubmits(slot, new PacedSubmits.Sends() {
        @Override
        public void submit(BindSlot on, OutboundMessage message, SubmitRequest request) {
            sent.add(new Sent(message.id(), System.nanoTime(), Thread.currentThread().getName()));
        }

        @Override
        public void notSent(BindSlot on, OutboundMessage message, String why) {
            notSent.add(message.id() + ": " + why);
        }
    });

    @Test
    void submitsDueTogetherLeaveTogetherInTurnOrderAndNoneBeforeItsTurn() throws InterruptedException {
        // Proves a bind's paced submits are sent in turn order by one thread, none earlier than its turn less the send-ahead
        // allowance, those whose turns fall within the allowance of each other in the same pass (so one write), a later one
        // in a pass of its own; and the thread ends when nothing waits, another starting with the next submit.
        // Turns fixed from one moment, whatever the adds themselves take (the first starts the JVM's first virtual thread).
        long added = System.nanoTime();
        long[] waitsMicros = {20_000, 20_200, 20_400, 20_600, 60_000};
        for (int i = 0; i < waitsMicros.length; i++) {
            paced.add(message(i + 1), request(i + 1), added + TimeUnit.MICROSECONDS.toNanos(waitsMicros[i]) - System.nanoTime());
        }
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> sent.size() == 5)).as(sent.toString()).isTrue();

        assertThat(sent).extracting(Sent::id).containsExactly(1L, 2L, 3L, 4L, 5L);
        for (int i = 0; i < 5; i++) {
            long earliest = added + TimeUnit.MICROSECONDS.toNanos(waitsMicros[i]) - BindSlot.SEND_AHEAD_NANOS;
            assertThat(sent.get(i).atNanos()).as("submit %d not before its turn", i + 1).isGreaterThanOrEqualTo(earliest);
        }
        assertThat(paced.passes()).as("the first four in one pass (one write), the fifth in another").isEqualTo(2);
        assertThat(sent).extracting(Sent::thread).containsOnly("smpp-paced-0");
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> paced.waiting() == 0)).isTrue();

        paced.add(message(6), request(6), TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> sent.size() == 6)).as("a new thread for a later one").isTrue();
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
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> sent.size() == 1)).isTrue();
        assertThat(sent.getFirst().id()).isEqualTo(1L);
    }

    private static OutboundMessage message(long id) {
        return new OutboundMessage(id, new PhoneNumber("447700900123"), "70141", "Thanks", null, null, null);
    }

    private static SubmitRequest request(long id) {
        return (SubmitRequest) SubmitRequest.plan(message(id), SETTINGS);
    }
}
