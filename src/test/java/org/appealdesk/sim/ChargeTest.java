package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.support.MutableClock;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.SubmitSmResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChargeTest {

    private static final String DONOR = "447700900123";
    private static final int RECEIPTED_MESSAGE_ID = 0x001E;
    private static final int MESSAGE_STATE = 0x0427;

    private SimulatedSmsc smsc;

    private TestEsme startAndBind(SimSettings settings) throws Exception {
        smsc = SimulatedSmsc.start(settings);
        return TestEsme.bind(smsc);
    }

    @AfterEach
    void stop() {
        if (smsc != null) {
            smsc.close();
        }
    }

    @Test
    void billsADeliveredChargeAndReceiptsItInDecimalOfTheHexMessageId() throws Exception {
        // Proves a billed submit gets a hex message id, a DELIVRD receipt naming it in decimal (text and TLVs), and bills the donor once.
        SimSettings settings = SimSettings.perfect(11).withIdStyles(MessageIdStyle.HEX, ReceiptIdStyle.DECIMAL_OF_HEX);
        try (TestEsme esme = startAndBind(settings)) {
            SubmitSmResult accepted = esme.charge(DONOR, 500, "req-1");
            assertThat(accepted.getMessageId()).matches("[1-9A-F][0-9A-F]{9}");
            String decimal = Long.toString(Long.parseLong(accepted.getMessageId(), 16));

            DeliverSm receipt = esme.nextReceipt(TestEsme.WAIT);
            assertThat(receipt).isNotNull();
            assertThat(receipt.getEsmClass()).isEqualTo((byte) 0x04);
            assertThat(receipt.getSourceAddr()).isEqualTo(DONOR);
            assertThat(receipt.getDestAddress()).isEqualTo("70141");
            assertThat(new String(receipt.getShortMessage(), StandardCharsets.US_ASCII))
                    .matches("id:" + decimal + " sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:Thank you");
            assertThat(TestEsme.tlv(receipt, RECEIPTED_MESSAGE_ID)).isEqualTo(decimal);
            assertThat(TestEsme.byteTlv(receipt, MESSAGE_STATE)).isEqualTo(2);

            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.donor(new PhoneNumber(DONOR)).billedPence()).isEqualTo(500);
            assertThat(ledger.charges().get("req-1").messageId()).isEqualTo(accepted.getMessageId());
            assertThat(ledger.chargeAttempts(ChargeOutcome.DELIVERED)).isEqualTo(1);
            assertThat(ledger.receiptsSent()).isEqualTo(1);
            assertThat(ledger.receiptsAcked()).isEqualTo(1);
            assertThat(ledger.receiptsPending()).isZero();
        }
    }

    @Test
    void receiptsADecimalMessageIdInHexWhenSoConfigured() throws Exception {
        // Proves HEX_OF_DECIMAL: submit_sm_resp gives decimal digits and the receipt the same number in upper-case hex.
        SimSettings settings = SimSettings.perfect(12).withIdStyles(MessageIdStyle.DECIMAL, ReceiptIdStyle.HEX_OF_DECIMAL);
        try (TestEsme esme = startAndBind(settings)) {
            SubmitSmResult accepted = esme.charge(DONOR, 300, "req-hex");
            assertThat(accepted.getMessageId()).matches("[1-9]\\d{11}");
            DeliverSm receipt = esme.nextReceipt(TestEsme.WAIT);
            assertThat(TestEsme.tlv(receipt, RECEIPTED_MESSAGE_ID)).isEqualTo(Long.toHexString(Long.parseLong(accepted.getMessageId())).toUpperCase());
        }
    }

    @Test
    void answersUuidShapedMessageIdsAndReceiptsThemAsGiven() throws Exception {
        // Proves the UUID style: submit_sm_resp gives a 36-character lower-case id in the 8-4-4-4-12 form, the receipt names it
        // unchanged (text and TLV), and the next charge gets another id.
        SimSettings settings = SimSettings.perfect(14).withIdStyles(MessageIdStyle.UUID, ReceiptIdStyle.SAME);
        try (TestEsme esme = startAndBind(settings)) {
            SubmitSmResult first = esme.charge(DONOR, 500, "req-uuid-1");
            assertThat(first.getMessageId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            DeliverSm receipt = esme.nextReceipt(TestEsme.WAIT);
            assertThat(TestEsme.tlv(receipt, RECEIPTED_MESSAGE_ID)).isEqualTo(first.getMessageId());
            assertThat(new String(receipt.getShortMessage(), StandardCharsets.US_ASCII)).startsWith("id:" + first.getMessageId() + " ");
            SubmitSmResult second = esme.charge(DONOR, 300, "req-uuid-2");
            assertThat(second.getMessageId()).isNotEqualTo(first.getMessageId()).hasSize(36);
            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();
            assertThat(smsc.ledger().charges().get("req-uuid-1").messageId()).isEqualTo(first.getMessageId());
        }
    }

    @Test
    void billsTheSameRequestIdOnlyOnceAndAnswersTheSameMessageId() throws Exception {
        // Proves a second submit with a known request id, two hours later, gets the same message id and its receipt again (the
        // same receipt id, submit date, status and text: only the done date may differ), and is never billed twice.
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        smsc = SimulatedSmsc.start(SimSettings.perfect(13), clock);
        try (TestEsme esme = TestEsme.bind(smsc)) {
            SubmitSmResult first = esme.charge(DONOR, 500, "req-twice");
            clock.advance(Duration.ofHours(2));
            SubmitSmResult second = esme.charge(DONOR, 500, "req-twice");

            assertThat(second.getMessageId()).isEqualTo(first.getMessageId());
            DeliverSm receipt = esme.nextReceipt(TestEsme.WAIT);
            assertThat(receipt).isNotNull();
            DeliverSm again = esme.nextReceipt(TestEsme.WAIT);
            assertThat(again).as("the receipt again").isNotNull();
            assertThat(TestEsme.tlv(again, RECEIPTED_MESSAGE_ID)).isEqualTo(TestEsme.tlv(receipt, RECEIPTED_MESSAGE_ID));
            assertThat(withoutDoneDate(again)).isEqualTo(withoutDoneDate(receipt)).contains("stat:DELIVRD");
            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.totalBilledPence()).isEqualTo(500);
            assertThat(ledger.billedSubmitsReceived()).isEqualTo(2);
            assertThat(ledger.distinctRequestIds()).isEqualTo(1);
            assertThat(ledger.requestIdsSubmittedMoreThanOnce()).isEqualTo(1);
            assertThat(ledger.requestIdsBilledTwice()).isZero();
            assertThat(ledger.charges().get("req-twice").submits()).isEqualTo(2);
            assertThat(ledger.charges().get("req-twice").timesBilled()).isEqualTo(1);
            assertThat(ledger.duplicateReceiptsSent()).isEqualTo(1);
        }
    }

    @Test
    void refusesARequestIdReusedForAnotherDonorOrPriceAndKeepsTheFirstCharge() throws Exception {
        // Proves a request id, once known, is refused (0x45) for another number or price, and the first charge is billed once.
        try (TestEsme esme = startAndBind(SimSettings.perfect(16))) {
            SubmitSmResult first = esme.charge(DONOR, 500, "req-reused");
            for (Object[] other : new Object[][]{{"447700900999", 500L}, {DONOR, 1000L}}) {
                assertThatThrownBy(() -> esme.charge((String) other[0], (Long) other[1], "req-reused"))
                        .isInstanceOfSatisfying(NegativeResponseException.class,
                                e -> assertThat(e.getCommandStatus()).isEqualTo(ChargeOutcome.REFUSED_COMMAND_STATUS));
            }
            assertThat(esme.charge(DONOR, 500, "req-reused").getMessageId()).isEqualTo(first.getMessageId());
            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.malformedSubmits()).isEqualTo(2);
            assertThat(ledger.totalBilledPence()).isEqualTo(500);
            assertThat(ledger.charges().get("req-reused").timesBilled()).isEqualTo(1);
        }
    }

    @Test
    void billsEachRequestIdOnceWhenManyThreadsSubmitTheSameIdsAtOnce() throws Exception {
        // Proves the striped charge table settles a request id once however many submits race for it.
        try (TestEsme esme = startAndBind(SimSettings.perfect(17))) {
            int threads = 6;
            int ids = 40;
            List<Thread> racers = new ArrayList<>();
            Set<String> messageIds = ConcurrentHashMap.newKeySet();
            AtomicInteger failures = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                racers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < ids; i++) {
                        try {
                            messageIds.add(i + "=" + esme.charge(DONOR, 300, "race-" + i).getMessageId());
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread racer : racers) {
                racer.join(TestEsme.WAIT.toMillis());
            }
            assertThat(failures).hasValue(0);
            assertThat(messageIds).as("one message id per request id").hasSize(ids);
            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.distinctRequestIds()).isEqualTo(ids);
            assertThat(ledger.billedSubmitsReceived()).isEqualTo((long) threads * ids);
            assertThat(ledger.requestIdsBilledTwice()).isZero();
            assertThat(ledger.totalBilledPence()).isEqualTo(300L * ids);
        }
    }

    @Test
    void readsThePriceFromABillingShortcodeOrAServiceType() throws Exception {
        // Proves the SHORTCODE_PER_PRICE and SERVICE_TYPE profiles bill the mapped price, without any price TLV.
        try (TestEsme esme = startAndBind(SimSettings.perfect(14))) {
            esme.submit("70905", null, DONOR, 1, "Thanks", TestEsme.text(SimSettings.REQUEST_ID_TAG_DEFAULT, "by-shortcode"));
            esme.submit("70141", "P1000", DONOR, 1, "Thanks", TestEsme.text(SimSettings.REQUEST_ID_TAG_DEFAULT, "by-service-type"));
            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();

            SimLedger ledger = smsc.ledger();
            assertThat(ledger.charges().get("by-shortcode").pricePence()).isEqualTo(500);
            assertThat(ledger.charges().get("by-service-type").pricePence()).isEqualTo(1000);
            assertThat(ledger.donor(new PhoneNumber(DONOR)).billedPence()).isEqualTo(1500);
            assertThat(ledger.submitsByPricePence()).containsEntry(500L, 1L).containsEntry(1000L, 1L);
        }
    }

    @Test
    void refusesASubmitWhosePriceSignalsDisagree() throws Exception {
        // Proves a submit from the £5 billing shortcode with a £10 price TLV is refused (0x45), not guessed at.
        try (TestEsme esme = startAndBind(SimSettings.perfect(15))) {
            assertThatThrownBy(() -> esme.submit("70905", null, DONOR, 1, "x",
                    TestEsme.text(SimSettings.PRICE_TAG_DEFAULT, "1000"), TestEsme.text(SimSettings.REQUEST_ID_TAG_DEFAULT, "conflict")))
                    .isInstanceOfSatisfying(NegativeResponseException.class, e -> assertThat(e.getCommandStatus()).isEqualTo(0x45));
            assertThat(smsc.ledger().malformedSubmits()).isEqualTo(1);
            assertThat(smsc.ledger().totalBilledPence()).isZero();
        }
    }

    @Test
    void declinesWithTheReceiptErrorCodeAndDoesNotBill() throws Exception {
        // Proves a declined charge is receipted UNDELIV with its err code and message_state, and bills nothing.
        try (TestEsme esme = startAndBind(SimSettings.perfect(16).withFailureMix(FailureMix.only(ChargeOutcome.INSUFFICIENT_FUNDS)))) {
            esme.charge(DONOR, 500, "req-poor");
            DeliverSm receipt = esme.nextReceipt(TestEsme.WAIT);
            assertThat(new String(receipt.getShortMessage(), StandardCharsets.US_ASCII)).contains("dlvrd:000").contains("stat:UNDELIV err:001");
            assertThat(TestEsme.byteTlv(receipt, MESSAGE_STATE)).isEqualTo(5);
            assertThat(smsc.ledger().totalBilledPence()).isZero();
            assertThat(smsc.ledger().charges().get("req-poor").outcome()).isEqualTo(ChargeOutcome.INSUFFICIENT_FUNDS);
        }
    }

    @Test
    void answersThrottledWithoutLookingAtTheSubmit() throws Exception {
        // Proves throttleProbability 1 answers every submit ESME_RTHROTTLED (0x58) and nothing is charged or remembered.
        try (TestEsme esme = startAndBind(SimSettings.perfect(17).withThrottleProbability(1.0))) {
            assertThatThrownBy(() -> esme.charge(DONOR, 500, "req-throttled"))
                    .isInstanceOfSatisfying(NegativeResponseException.class, e -> assertThat(e.getCommandStatus()).isEqualTo(0x58));
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.throttledSubmits()).isEqualTo(1);
            assertThat(ledger.distinctRequestIds()).isZero();
            assertThat(ledger.totalBilledPence()).isZero();
        }
    }

    @Test
    void refusesASubmitPermanentlyWhenTheMixSaysSo() throws Exception {
        // Proves the SUBMIT_REFUSED outcome answers ESME_RSUBMITFAIL (0x45) and bills nothing.
        try (TestEsme esme = startAndBind(SimSettings.perfect(18).withFailureMix(FailureMix.only(ChargeOutcome.SUBMIT_REFUSED)))) {
            assertThatThrownBy(() -> esme.charge(DONOR, 500, "req-refused"))
                    .isInstanceOfSatisfying(NegativeResponseException.class, e -> assertThat(e.getCommandStatus()).isEqualTo(0x45));
            assertThat(smsc.ledger().chargeAttempts(ChargeOutcome.SUBMIT_REFUSED)).isEqualTo(1);
            assertThat(smsc.ledger().totalBilledPence()).isZero();
        }
    }

    @Test
    void neverAnswersANoResponseSubmitButKeepsTheSessionServing() throws Exception {
        // Proves the NO_SUBMIT_RESPONSE outcome leaves the ESME to time out, bills nothing, and later PDUs on the session still get answers.
        SimSettings settings = SimSettings.perfect(19).withFailureMix(FailureMix.only(ChargeOutcome.NO_SUBMIT_RESPONSE));
        try (TestEsme esme = startAndBind(settings)) {
            assertThatThrownBy(() -> esme.charge(DONOR, 500, "req-silent")).isInstanceOf(ResponseTimeoutException.class);
            SubmitSmResult free = esme.submit("70141", null, DONOR, 0, "Help text");
            assertThat(free.getMessageId()).isNotBlank();
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.chargeAttempts(ChargeOutcome.NO_SUBMIT_RESPONSE)).isEqualTo(1);
            assertThat(ledger.totalBilledPence()).isZero();
            assertThat(ledger.charges().get("req-silent").billed()).isFalse();
        }
    }

    @Test
    void acceptsANoReceiptChargeAsUnknownAndNeverBillsOrReceiptsIt() throws Exception {
        // Proves the NO_RECEIPT outcome answers with a message id, sends no receipt, and is recorded as an unknown outcome, not billed.
        try (TestEsme esme = startAndBind(SimSettings.perfect(20).withFailureMix(FailureMix.only(ChargeOutcome.NO_RECEIPT)))) {
            assertThat(esme.charge(DONOR, 500, "req-lost").getMessageId()).isNotBlank();
            assertThat(esme.nextReceipt(Duration.ofMillis(500))).isNull();
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.unknownOutcomes()).isEqualTo(1);
            assertThat(ledger.totalBilledPence()).isZero();
            assertThat(ledger.isSettled()).isTrue();
        }
    }

    @Test
    void recordsAFreeMessageAndReceiptsItOnlyWhenAsked() throws Exception {
        // Proves a submit without a price is free: a message id, counted per donor, with a receipt only when registered_delivery asks.
        try (TestEsme esme = startAndBind(SimSettings.perfect(21))) {
            esme.submit("70141", null, DONOR, 0, "Thank you for your gift");
            assertThat(esme.nextReceipt(Duration.ofMillis(300))).isNull();
            esme.submit("70141", null, DONOR, 1, "Thank you again");
            DeliverSm receipt = esme.nextReceipt(TestEsme.WAIT);
            assertThat(new String(receipt.getShortMessage(), StandardCharsets.US_ASCII)).contains("stat:DELIVRD");

            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.freeMessagesReceived()).isEqualTo(2);
            assertThat(ledger.donor(new PhoneNumber(DONOR)).freeMessages()).isEqualTo(2);
            assertThat(ledger.totalBilledPence()).isZero();
            assertThat(ledger.submitsByPricePence()).containsEntry(0L, 2L);
        }
    }

    @Test
    void sendsLateAndDuplicateReceiptsAndWaitsForThemBeforeSettling() throws Exception {
        // Proves a late receipt arrives after the normal window, a duplicate receipt follows it, and the ledger is unsettled until both are acked.
        SimSettings settings = SimSettings.perfect(22).toBuilder()
                .receiptDelayMsMax(10).lateReceiptProbability(1.0).lateReceiptDelayMsMax(600).duplicateReceiptProbability(1.0).build();
        try (TestEsme esme = startAndBind(settings)) {
            esme.charge(DONOR, 500, "req-late");
            assertThat(smsc.ledger().receiptsPending()).isEqualTo(1);
            assertThat(smsc.ledger().isSettled()).isFalse();
            DeliverSm first = esme.nextReceipt(TestEsme.WAIT);
            DeliverSm again = esme.nextReceipt(TestEsme.WAIT);
            assertThat(TestEsme.tlv(again, RECEIPTED_MESSAGE_ID)).isEqualTo(TestEsme.tlv(first, RECEIPTED_MESSAGE_ID));
            assertThat(smsc.awaitQuiet(TestEsme.WAIT)).isTrue();
            assertThat(smsc.ledger().receiptsAcked()).isEqualTo(2);
            assertThat(smsc.ledger().totalBilledPence()).isEqualTo(500);
        }
    }

    /** A receipt's text without its done date, which a resend may set later. */
    private static String withoutDoneDate(DeliverSm receipt) {
        return new String(receipt.getShortMessage(), StandardCharsets.ISO_8859_1).replaceAll("done date:\\d+ ", "");
    }
}
