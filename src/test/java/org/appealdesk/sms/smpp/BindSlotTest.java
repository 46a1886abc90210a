package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.OutboundMessage;
import org.junit.jupiter.api.Test;

class BindSlotTest {

    private static SmppSettings settings(int submitsPerSecondMax) {
        return SmppSettings.builder("127.0.0.1", 2775, "appealdesk", "pw")
                .billing(new BillingProfile.ShortcodePerPrice(Map.of(500L, "70905")))
                .submitsPerSecondMax(submitsPerSecondMax)
                .build();
    }

    private static BindSlot slot(SmppSettings settings) {
        return new BindSlot(0, settings, null, null, new SessionWrites(), new SmppMetrics(new SimpleMeterRegistry(), () -> 0), () -> { });
    }

    @Test
    void aSubmitOnABindThatIsDownIsNotSent() {
        // Proves a submit on a bind without a session is NotSent (safe to send again) at once, never NoAnswer.
        SmppSettings settings = settings(100);
        BindSlot slot = slot(settings);
        OutboundMessage message = new OutboundMessage(1, new PhoneNumber("447700900123"), "70141", "Thanks", null, null, null);
        List<SubmitOutcome> outcomes = new ArrayList<>();

        slot.submit((SubmitRequest) SubmitRequest.plan(message, settings), outcomes::add);
        slot.flush();
        slot.expireOverdue();

        assertThat(outcomes).singleElement().isInstanceOf(SubmitOutcome.NotSent.class);
        assertThat(slot.isBound()).isFalse();
        assertThat(slot.tryAcquireWindow()).as("no permits while down").isFalse();
        assertThat(slot.freeWindow()).isZero();
    }

    @Test
    void sendTurnsKeepThePaceAndLetAMillisecondsWorthGoAtOnce() {
        // Proves the pace: at 10 a second each turn waits a further 100 ms; at 10,000 a second a burst
        // of about a millisecond's worth goes at once, and later turns wait.
        BindSlot slow = slot(settings(10));
        assertThat(slow.takeSendTurn()).isZero();
        long second = slow.takeSendTurn();
        long third = slow.takeSendTurn();
        assertThat(second).isBetween(TimeUnit.MILLISECONDS.toNanos(90), TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(third).isBetween(TimeUnit.MILLISECONDS.toNanos(190), TimeUnit.MILLISECONDS.toNanos(200));

        BindSlot fast = slot(settings(10_000));
        long started = System.nanoTime();
        assertThat(fast.takeSendTurn()).isZero();
        assertThat(fast.takeSendTurn()).as("100 µs ahead goes now").isZero();
        long fiftieth = 0;
        for (int turn = 3; turn <= 50; turn++) {
            fiftieth = fast.takeSendTurn();
        }
        // The 50th turn is 4.9 ms after the first: it waits unless that much time has passed already.
        long elapsed = System.nanoTime() - started;
        assertThat(fiftieth > 0 || elapsed >= TimeUnit.MICROSECONDS.toNanos(3_900))
                .as("50th turn waits %d ns after %d ns", fiftieth, elapsed).isTrue();
        if (fiftieth > 0) {
            // Its turn is 49 intervals after a first turn taken no earlier than `started`.
            assertThat(fiftieth + elapsed).isGreaterThanOrEqualTo(TimeUnit.MICROSECONDS.toNanos(4_900));
        }
        assertThat(fiftieth).isLessThanOrEqualTo(TimeUnit.MICROSECONDS.toNanos(4_900));
    }
}
