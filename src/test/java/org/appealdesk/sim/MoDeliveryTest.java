package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.support.Eventually;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MoDeliveryTest {

    private static final int MO_ID = SimSettings.MO_ID_TAG_DEFAULT;
    private static final int NETWORK = SimSettings.NETWORK_TAG_DEFAULT;

    private SimulatedSmsc smsc;

    private SimulatedSmsc start(SimSettings settings) {
        smsc = SimulatedSmsc.start(settings);
        return smsc;
    }

    @AfterEach
    void stop() {
        if (smsc != null) {
            smsc.close();
        }
    }

    @Test
    void deliversAGsmTextWithItsAddressesCodingAndTlvsAndCountsTheAck() throws Exception {
        // Proves an MO arrives as docs/SMPP.md says (international donor, shortcode, GSM '£' as 0x01, moId and network TLVs) and counts as acked only after deliver_sm_resp OK.
        start(SimSettings.perfect(3));
        try (TestEsme esme = TestEsme.bind(smsc)) {
            TrafficRun run = smsc.play(TrafficPlan.single("70141", TextTemplate.gsm("SUN£5", 500), 1, 100));
            DeliverSm mo = esme.nextMo(TestEsme.WAIT);

            assertThat(mo).isNotNull();
            assertThat(mo.getSourceAddrTon()).isEqualTo((byte) 1);
            assertThat(mo.getSourceAddrNpi()).isEqualTo((byte) 1);
            assertThat(mo.getSourceAddr()).matches("447700\\d{6}");
            assertThat(mo.getDestAddress()).isEqualTo("70141");
            assertThat(mo.getEsmClass()).isZero();
            assertThat(mo.getDataCoding()).isZero();
            assertThat(mo.getShortMessage()).containsExactly('S', 'U', 'N', 0x01, '5');
            assertThat(TestEsme.tlv(mo, MO_ID)).matches("MO[0-9A-F]{8}-0-0");
            assertThat(TestEsme.tlv(mo, NETWORK)).isIn("o2", "ee", "vodafone", "three", "giffgaff");

            assertThat(run.awaitAcked(TestEsme.WAIT)).isTrue();
            assertThat(run.ackLatencyMicros().getTotalCount()).isEqualTo(1);
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.mosGenerated()).isEqualTo(1);
            assertThat(ledger.mosAcked()).isEqualTo(1);
            assertThat(ledger.mosPending()).isZero();
            assertThat(ledger.donor(new PhoneNumber(mo.getSourceAddr())).textedPence()).isEqualTo(500);
        }
    }

    @Test
    void carriesUcs2AndLatin1BodiesInTheirOwnCoding() throws Exception {
        // Proves UCS-2 (data_coding 8) and Latin-1 (data_coding 3) bodies arrive byte-exact in their coding.
        start(SimSettings.perfect(4));
        try (TestEsme esme = TestEsme.bind(smsc)) {
            smsc.play(TrafficPlan.single("70141", new TextTemplate("SUN £10", TextCoding.UCS_2, 1000), 1, 100));
            DeliverSm ucs2 = esme.nextMo(TestEsme.WAIT);
            assertThat(ucs2.getDataCoding()).isEqualTo((byte) 8);
            assertThat(new String(ucs2.getShortMessage(), StandardCharsets.UTF_16BE)).isEqualTo("SUN £10");

            smsc.play(TrafficPlan.single("70141", new TextTemplate("SUN £5", TextCoding.LATIN_1, 500), 1, 100));
            DeliverSm latin1 = esme.nextMo(TestEsme.WAIT);
            assertThat(latin1.getDataCoding()).isEqualTo((byte) 3);
            assertThat(latin1.getShortMessage()).containsExactly('S', 'U', 'N', ' ', 0xA3, '5');
        }
    }

    @Test
    void putsABodyLongerThan254BytesInMessagePayload() throws Exception {
        // Proves a body over 254 octets travels in the message_payload TLV (0x0424) with an empty short_message.
        start(SimSettings.perfect(5));
        String body = "SUN5 " + "x".repeat(300);
        try (TestEsme esme = TestEsme.bind(smsc)) {
            smsc.play(TrafficPlan.single("70141", TextTemplate.gsm(body, 500), 1, 100));
            DeliverSm mo = esme.nextMo(TestEsme.WAIT);
            assertThat(mo.getShortMessage()).isEmpty();
            OptionalParameter payload = mo.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
            assertThat(((OptionalParameter.OctetString) payload).getValue()).isEqualTo(TextCoding.GSM_7BIT.encode(body));
        }
    }

    @Test
    void redeliversTheSameMoIdAfterAnErrorResponseAndCountsTheTextOnce() throws Exception {
        // Proves an MO refused with ESME_RX_T_APPN is delivered again with the same moId, and the donor's text is counted once.
        start(SimSettings.perfect(6).toBuilder().redeliveryDelayMs(50).build());
        AtomicInteger answered = new AtomicInteger();
        try (TestEsme esme = TestEsme.bind(smsc).answering(mo -> answered.getAndIncrement() == 0 ? 0x64 : 0)) {
            TrafficRun run = smsc.play(TrafficPlan.single("70141", TextTemplate.gsm("sun5", 500), 1, 100));
            DeliverSm first = esme.nextMo(TestEsme.WAIT);
            DeliverSm second = esme.nextMo(TestEsme.WAIT);

            assertThat(second).isNotNull();
            assertThat(TestEsme.tlv(second, MO_ID)).isEqualTo(TestEsme.tlv(first, MO_ID));
            assertThat(second.getSourceAddr()).isEqualTo(first.getSourceAddr());
            assertThat(run.awaitAcked(TestEsme.WAIT)).isTrue();
            assertThat(run.refused()).isEqualTo(1);
            assertThat(run.redelivered()).isEqualTo(1);
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.mosGenerated()).isEqualTo(1);
            assertThat(ledger.mosAcked()).isEqualTo(1);
            assertThat(ledger.moErrorResponses()).isEqualTo(1);
            assertThat(ledger.moRedeliveries()).isEqualTo(1);
            assertThat(ledger.totalTextedPence()).isEqualTo(500);
        }
    }

    @Test
    void redeliversAnMoUnansweredWithinTheResponseTimeoutAndIgnoresTheLateAnswer() throws Exception {
        // Proves a deliver_sm unanswered within deliverResponseTimeoutMs times out and goes again with
        // the same moId, and the first answer, arriving late, neither counts as a second ack nor ends
        // the redelivery: no thread waits for an answer, so the sweep and the reader must agree.
        start(SimSettings.perfect(10).toBuilder().deliverResponseTimeoutMs(200).redeliveryDelayMs(50).build());
        AtomicInteger answered = new AtomicInteger();
        try (TestEsme esme = TestEsme.bind(smsc).answering(mo -> {
            if (answered.getAndIncrement() == 0) {
                try {
                    Thread.sleep(600); // answers the first delivery 400 ms after its timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        })) {
            TrafficRun run = smsc.play(TrafficPlan.single("70141", TextTemplate.gsm("sun5", 500), 1, 100));
            DeliverSm first = esme.nextMo(TestEsme.WAIT);
            DeliverSm second = esme.nextMo(TestEsme.WAIT);

            assertThat(second).isNotNull();
            assertThat(TestEsme.tlv(second, MO_ID)).isEqualTo(TestEsme.tlv(first, MO_ID));
            assertThat(run.awaitAcked(TestEsme.WAIT)).isTrue();
            assertThat(Eventually.holds(Duration.ofSeconds(5), () -> answered.get() >= 2)).isTrue();
            Thread.sleep(600); // the late answer has come by now
            assertThat(run.timedOut()).isEqualTo(1);
            assertThat(run.redelivered()).isEqualTo(1);
            assertThat(run.acked()).isEqualTo(1);
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.moTimeouts()).isEqualTo(1);
            assertThat(ledger.mosAcked()).isEqualTo(1);
            assertThat(ledger.mosPending()).isZero();
            assertThat(ledger.totalTextedPence()).isEqualTo(500);
        }
    }

    @Test
    void keepsUnacknowledgedTextsForAnEsmeThatBindsAfterARestart() throws Exception {
        // Proves texts refused by one ESME, then waiting while none is bound, reach the ESME that binds next with their moIds.
        start(SimSettings.perfect(7).toBuilder().redeliveryDelayMs(50).build());
        TestEsme failing = TestEsme.bind(smsc).answering(mo -> 0x64);
        TrafficRun run = smsc.play(TrafficPlan.single("70141", TextTemplate.gsm("SUN3", 300), 3, 1_000));
        List<DeliverSm> refused = failing.mos(3, TestEsme.WAIT);
        failing.close();
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> smsc.boundSessions() == 0)).isTrue();
        assertThat(smsc.ledger().mosPending()).isEqualTo(3);

        try (TestEsme restarted = TestEsme.bind(smsc)) {
            assertThat(run.awaitAcked(TestEsme.WAIT)).isTrue();
            Set<String> redelivered = restarted.mos(10, Duration.ofMillis(500)).stream().map(mo -> TestEsme.tlv(mo, MO_ID)).collect(Collectors.toSet());
            assertThat(redelivered).isEqualTo(refused.stream().map(mo -> TestEsme.tlv(mo, MO_ID)).collect(Collectors.toSet()));
            assertThat(smsc.ledger().mosAcked()).isEqualTo(3);
        }
    }

    @Test
    void sharesTextsRoundRobinBetweenBoundSessions() throws Exception {
        // Proves MOs are spread across every bound session that can receive, not all sent down one.
        start(SimSettings.perfect(8));
        try (TestEsme first = TestEsme.bind(smsc); TestEsme second = TestEsme.bind(smsc)) {
            assertThat(Eventually.holds(Duration.ofSeconds(5), () -> smsc.boundSessions() == 2)).isTrue();
            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(1_000, 40));
            assertThat(run.awaitAcked(TestEsme.WAIT)).isTrue();
            int toFirst = first.mos(40, Duration.ofMillis(200)).size();
            int toSecond = second.mos(40, Duration.ofMillis(200)).size();
            assertThat(toFirst + toSecond).isEqualTo(40);
            assertThat(toFirst).isBetween(10, 30);
        }
    }

    @Test
    void sendsNetworkDuplicatesWithTheSameMoIdWithoutCountingThemAsTexts() throws Exception {
        // Proves a duplicate MO repeats an acknowledged text's moId and body, and the ledger counts it apart from genuine texts.
        start(SimSettings.perfect(9).toBuilder().duplicateMoProbability(1.0).build());
        try (TestEsme esme = TestEsme.bind(smsc)) {
            smsc.play(TrafficPlan.single("70141", TextTemplate.gsm("SUN 10", 1000), 2, 100));
            List<DeliverSm> all = esme.mos(4, TestEsme.WAIT);
            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();

            assertThat(all).hasSize(4);
            assertThat(all.stream().map(mo -> TestEsme.tlv(mo, MO_ID)).collect(Collectors.toSet())).hasSize(2);
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.mosGenerated()).isEqualTo(2);
            assertThat(ledger.duplicateMosSent()).isEqualTo(2);
            assertThat(ledger.duplicateMosAcked()).isEqualTo(2);
            assertThat(ledger.totalTextedPence()).isEqualTo(2000);
        }
    }

    @Test
    void leavesOutTheMoIdWhenToldNotToSendIt() throws Exception {
        // Proves sendMoIds=false sends MOs without the moId TLV, as an aggregator without ids would.
        start(SimSettings.perfect(10).toBuilder().sendMoIds(false).build());
        try (TestEsme esme = TestEsme.bind(smsc)) {
            smsc.play(TrafficPlan.single("70141", TextTemplate.gsm("SUN5", 500), 1, 100));
            DeliverSm mo = esme.nextMo(TestEsme.WAIT);
            assertThat(TestEsme.tlv(mo, MO_ID)).isNull();
            assertThat(TestEsme.tlv(mo, NETWORK)).isNotNull();
        }
    }
}
