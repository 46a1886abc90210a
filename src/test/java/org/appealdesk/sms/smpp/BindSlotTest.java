package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.OutboundMessage;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.junit.jupiter.api.Test;

class BindSlotTest {

    private final SmppSettings settings = SmppSettings.defaults("127.0.0.1", 2775, "appealdesk", "pw",
            new BillingProfile.ShortcodePerPrice(Map.of(500L, "70905")));

    @Test
    void aSubmitOnABindThatIsDownIsNotSent() {
        // Proves a submit on a bind without a session is NotSent (safe to send again), never NoAnswer.
        BindSlot slot = new BindSlot(0, settings, null, null, new SmppMetrics(new SimpleMeterRegistry(), () -> 0), () -> { });
        OutboundMessage message = new OutboundMessage(1, new PhoneNumber("447700900123"), "70141", "Thanks", null, null, null);

        SubmitOutcome outcome = slot.submit((SubmitRequest) SubmitRequest.plan(message, settings));

        assertThat(outcome).isInstanceOf(SubmitOutcome.NotSent.class);
        assertThat(slot.isBound()).isFalse();
        assertThat(slot.tryAcquireWindow()).as("no permits while down").isFalse();
        assertThat(slot.freeWindow()).isZero();
    }

    @Test
    void theSenderTellsAWriteAttemptFromNoWrite() throws Exception {
        // Proves the tracking sender marks a submit as possibly written once it reaches the socket write, even when the write fails.
        DeferredReplies replies = new DeferredReplies(2_000);
        GatewayPduSender sender = new GatewayPduSender(replies);
        GatewayPduSender.reset();
        assertThat(GatewayPduSender.writeStarted()).isFalse();

        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> sender.sendSubmitSm(broken, 1, "", TypeOfNumber.NATIONAL, NumberingPlanIndicator.ISDN, "70141",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "447700900123", new ESMClass(), (byte) 0, (byte) 0,
                null, null, new RegisteredDelivery(0), (byte) 0, new RawDataCoding((byte) 0), (byte) 0, new byte[] {'h', 'i'}))
                .isInstanceOf(IOException.class);
        assertThat(GatewayPduSender.writeStarted()).isTrue();

        GatewayPduSender.reset();
        assertThat(GatewayPduSender.writeStarted()).isFalse();
        replies.close();
    }
}
