package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.TextIntake;
import org.appealdesk.sms.smpp.InMemoryPorts.Accepted;
import org.appealdesk.sms.smpp.InMemoryPorts.NoAnswer;
import org.appealdesk.sms.smpp.InMemoryPorts.OutboxCall;
import org.appealdesk.sms.smpp.InMemoryPorts.PendingText;
import org.appealdesk.sms.smpp.InMemoryPorts.RetryLater;
import org.appealdesk.support.Eventually;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.ProcessRequestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** The adapter over real SMPP sessions on 127.0.0.1, against {@link TestSmsc}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmppGatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DONOR = "447700900123";
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final byte[] SUN_FIVE_GSM = {'S', 'U', 'N', 0x01, '5'};

    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final InMemoryPorts.Texts texts = new InMemoryPorts.Texts();
    private final InMemoryPorts.Reports reports = new InMemoryPorts.Reports();
    private final InMemoryPorts.Messages outbox = new InMemoryPorts.Messages();
    private TestSmsc smsc;
    private SmppGateway gateway;

    @BeforeEach
    void startSmsc() throws Exception {
        smsc = TestSmsc.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        smsc.close();
        background.shutdownNow();
    }

    private SmppSettings.Builder settings() {
        return SmppSettings.builder("127.0.0.1", smsc.port(), "appealdesk", "secret")
                .billing(new BillingProfile.ShortcodePerPrice(Map.of(300L, "70903", 500L, "70905", 1000L, "70910")))
                .binds(1)
                .responseTimeoutMs(2_000)
                .commitWaitMsMax(3_000)
                .reconnectDelayMsMax(400)
                .outboxPollMs(10);
    }

    private void startGateway(SmppSettings settings) {
        gateway = new SmppGateway(settings, texts, reports, outbox, new SimpleMeterRegistry(), InstantSource.fixed(NOW));
        gateway.start();
        eventually(() -> gateway.boundSessions() == settings.binds() && smsc.bindCount() >= settings.binds());
    }

    private CompletableFuture<Integer> deliverInBackground(String source, int esmClass, byte[] body, OptionalParameter... parameters) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return smsc.deliver(source, "70141", esmClass, 0, body, parameters);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, background);
    }

    private static OptionalParameter.OctetString ascii(int tag, String value) {
        return new OptionalParameter.OctetString((short) tag, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static OutboundMessage billed(long id, long pence, String requestId) {
        return new OutboundMessage(id, new PhoneNumber(DONOR), "70141", "Thank you for giving £5 to the appeal", Money.ofPence(pence), requestId, "o2");
    }

    private static OutboundMessage free(long id) {
        return new OutboundMessage(id, new PhoneNumber(DONOR), "70141", "Thanks! Gift Aid: https://e.g/x", null, null, null);
    }

    @Test
    void deliverSmIsAnsweredOnlyAfterTheTextCommits() throws Exception {
        // Proves deliver_sm_resp goes out only once the intake future completes, carrying the decoded text and its TLVs.
        startGateway(settings().build());

        CompletableFuture<Integer> delivery = deliverInBackground(DONOR, 0, SUN_FIVE_GSM, ascii(0x1501, "mo-77"), ascii(0x1502, "O2"));
        PendingText pending = texts.next(WAIT);
        assertThat(pending).isNotNull();
        assertThat(pending.text().channel()).isEqualTo("smpp");
        assertThat(pending.text().externalId()).isEqualTo("mo-77");
        assertThat(pending.text().source().digits()).isEqualTo(DONOR);
        assertThat(pending.text().destination()).isEqualTo("70141");
        assertThat(pending.text().body()).isEqualTo("SUN£5");
        assertThat(pending.text().network()).isEqualTo("o2");
        assertThat(pending.text().receivedAt()).isEqualTo(NOW);

        Thread.sleep(300);
        assertThat(delivery).as("no deliver_sm_resp before the commit").isNotDone();

        pending.commit().complete(TextIntake.IntakeOutcome.RECORDED);
        assertThat(delivery.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(SMPPConstant.STAT_ESME_ROK);
    }

    @Test
    void aFailedOrLateCommitIsAnsweredWithTemporaryAppError() throws Exception {
        // Proves a failed commit, a refusal because the intake is full, and a commit slower than commitWaitMsMax all answer
        // ESME_RX_T_APPN so the SMSC retries.
        startGateway(settings().commitWaitMsMax(500).build());

        CompletableFuture<Integer> failing = deliverInBackground(DONOR, 0, SUN_FIVE_GSM);
        texts.next(WAIT).commit().completeExceptionally(new IllegalStateException("database down"));
        assertThat(failing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN);

        CompletableFuture<Integer> full = deliverInBackground(DONOR, 0, SUN_FIVE_GSM);
        texts.next(WAIT).commit().completeExceptionally(new RejectedExecutionException("text intake: 20000 recorded texts wait"));
        assertThat(full.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN);

        CompletableFuture<Integer> late = deliverInBackground(DONOR, 0, SUN_FIVE_GSM);
        assertThat(texts.next(WAIT)).as("handed over, never committed").isNotNull();
        assertThat(late.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN);
    }

    @Test
    void aSourceThatIsNotAPhoneNumberIsRefusedPermanently() throws Exception {
        // Proves an MO from an alphanumeric sender is refused with ESME_RX_P_APPN and never reaches the core.
        startGateway(settings().build());

        assertThat(deliverInBackground("ACME", 0, SUN_FIVE_GSM).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isEqualTo(SMPPConstant.STAT_ESME_RX_P_APPN);
        assertThat(texts.next(Duration.ofMillis(200))).isNull();
    }

    @Test
    void aBilledSubmitCarriesTheRequestIdAndTheBillingShortcode() throws Exception {
        // Proves a billed submit_sm carries the request id TLV, the price's billing shortcode and registered_delivery 1, and a free one none of them.
        startGateway(settings().build());
        outbox.add(billed(41, 500, "req-41-a"));
        outbox.add(free(42));

        SubmitSm first = smsc.nextSubmit(WAIT);
        SubmitSm second = smsc.nextSubmit(WAIT);
        SubmitSm billedSubmit = first.getRegisteredDelivery() == 1 ? first : second;
        SubmitSm freeSubmit = billedSubmit == first ? second : first;

        assertThat(billedSubmit.getSourceAddr()).isEqualTo("70905");
        assertThat(billedSubmit.getDestAddress()).isEqualTo(DONOR);
        assertThat(billedSubmit.getRegisteredDelivery()).isEqualTo((byte) 1);
        assertThat(tlv(billedSubmit, 0x1503)).isEqualTo("req-41-a");
        assertThat(billedSubmit.getDataCoding()).isEqualTo((byte) 0);

        assertThat(freeSubmit.getSourceAddr()).isEqualTo("70141");
        assertThat(freeSubmit.getRegisteredDelivery()).isEqualTo((byte) 0);
        assertThat(freeSubmit.getOptionalParameter((short) 0x1503)).isNull();

        OutboxCall a = outbox.next(WAIT);
        OutboxCall b = outbox.next(WAIT);
        assertThat(new OutboxCall[] {a, b}).containsExactlyInAnyOrder(new Accepted(41, "1a2b3c"), new Accepted(42, "1a2b3c"));
    }

    @Test
    void receiptsWithDecimalIdsMapBackToTheHexIdTheSubmitGot() throws Exception {
        // Proves a receipt's decimal id (text or TLV) maps back to the hex id submit_sm_resp gave, delivered or declined.
        startGateway(settings().receiptIdFormat(ReceiptIdFormat.DECIMAL_OF_HEX).build());
        outbox.add(billed(7, 500, "req-7"));
        assertThat(outbox.next(WAIT)).isEqualTo(new Accepted(7, "1a2b3c"));
        String decimal = Long.toString(0x1a2b3cL);

        byte[] delivered = ("id:" + decimal + " sub:001 dlvrd:001 submit date:2611241200 done date:2611241201 stat:DELIVRD err:000 text:Thank you")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(deliverInBackground(DONOR, 0x04, delivered).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(reports.next(WAIT)).isEqualTo(new ChargeReport.Delivered("1a2b3c", NOW));

        byte[] declinedText = "ID:999 STAT:UNDELIV ERR:001".getBytes(StandardCharsets.US_ASCII);
        OptionalParameter receiptedId = new OptionalParameter.Receipted_message_id(decimal);
        OptionalParameter state = new OptionalParameter.Message_state((byte) 5); // UNDELIVERABLE
        assertThat(deliverInBackground(DONOR, 0x04, declinedText, receiptedId, state).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        assertThat(reports.next(WAIT)).isEqualTo(new ChargeReport.Declined("1a2b3c", NOW, "INSUFFICIENT_FUNDS", false));
    }

    @Test
    void intermediateAndUnreadableReceiptsAreNotReported() throws Exception {
        // Proves an ENROUTE receipt is acknowledged without a report and a receipt without an id is refused with ESME_RX_P_APPN.
        startGateway(settings().build());

        byte[] enroute = "id:1a2b3c sub:001 dlvrd:000 stat:ENROUTE err:000".getBytes(StandardCharsets.US_ASCII);
        assertThat(deliverInBackground(DONOR, 0x04, enroute).get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        byte[] garbage = "\u0000\u0013garbage".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(deliverInBackground(DONOR, 0x04, garbage).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isEqualTo(SMPPConstant.STAT_ESME_RX_P_APPN);
        assertThat(reports.waiting()).isZero();
    }

    @Test
    void throttledSubmitsAreHandedBackWithAGrowingBackoff() throws Exception {
        // Proves ESME_RTHROTTLED and ESME_RMSGQFUL end in retryLater, not a refusal, with the bind's backoff doubling each time in a row.
        AtomicInteger answers = new AtomicInteger();
        smsc.respondWith(submitSm -> {
            int status = answers.getAndIncrement() == 0 ? SMPPConstant.STAT_ESME_RTHROTTLED : SMPPConstant.STAT_ESME_RMSGQFUL;
            throw new ProcessRequestException("slow down", status);
        });
        startGateway(settings().build());
        outbox.add(free(5));
        outbox.add(free(6));

        OutboxCall first = outbox.next(WAIT);
        OutboxCall second = outbox.next(WAIT);
        assertThat(first).isInstanceOf(RetryLater.class);
        assertThat(second).isInstanceOf(RetryLater.class);
        assertThat(List.of(((RetryLater) first).delay(), ((RetryLater) second).delay()))
                .containsExactlyInAnyOrder(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aConnectionLostAfterTheSubmitWasWrittenIsNoAnswer() throws Exception {
        // Proves a submit whose connection drops after it reached the SMSC is noAnswer (UNKNOWN), not retryLater, and is not re-sent after the rebind.
        smsc.respondWith(submitSm -> {
            smsc.dropSessions();
            throw new ProcessRequestException("gone", SMPPConstant.STAT_ESME_RSYSERR);
        });
        startGateway(settings().responseTimeoutMs(500).build());
        outbox.add(billed(12, 500, "req-12"));

        assertThat(outbox.next(WAIT)).isEqualTo(new NoAnswer(12));
        assertThat(smsc.nextSubmit(WAIT)).isNotNull();
        eventually(() -> smsc.bindCount() == 2 && gateway.boundSessions() == 1);
        assertThat(smsc.nextSubmit(Duration.ofMillis(500))).as("never re-sent").isNull();
    }

    @Test
    void anotherSubmitErrorIsARefusalWithItsCode() throws Exception {
        // Proves a non-throttle error is refused with its hex code, permanent unless configured temporary.
        smsc.respondWith(submitSm -> {
            throw new ProcessRequestException("bad destination", SMPPConstant.STAT_ESME_RINVDSTADR);
        });
        startGateway(settings().build());
        outbox.add(billed(6, 300, "req-6"));

        assertThat(outbox.next(WAIT)).isEqualTo(new InMemoryPorts.Refused(6, "0x0000000B", true));
    }

    @Test
    void anUnansweredSubmitIsNoAnswerAndIsNeverSentAgain() throws Exception {
        // Proves a submit without a response within responseTimeoutMs becomes noAnswer and is not re-sent.
        smsc.respondWith(submitSm -> {
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        });
        startGateway(settings().responseTimeoutMs(300).enquireLinkMs(60_000).build());
        outbox.add(billed(9, 1000, "req-9"));

        assertThat(outbox.next(WAIT)).isEqualTo(new NoAnswer(9));
        assertThat(smsc.nextSubmit(WAIT)).isNotNull();
        assertThat(smsc.nextSubmit(Duration.ofMillis(1_500))).as("never re-sent").isNull();
        assertThat(outbox.next(Duration.ofMillis(200))).isNull();
    }

    @Test
    void aDroppedSessionIsReboundAndCarriesOn() throws Exception {
        // Proves the gateway rebinds after the SMSC drops the session, and sends on the new session.
        startGateway(settings().build());
        assertThat(smsc.bindCount()).isEqualTo(1);

        smsc.dropSessions();
        eventually(() -> smsc.bindCount() == 2 && gateway.boundSessions() == 1);

        outbox.add(free(11));
        assertThat(outbox.next(WAIT)).isEqualTo(new Accepted(11, "1a2b3c"));
    }

    @Test
    void severalBindsNeverHoldMoreThanTheirWindows() throws Exception {
        // Proves several binds share a burst, never more than windowSize submits in flight per bind, each message accepted once.
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger inFlightMax = new AtomicInteger();
        smsc.respondWith(submitSm -> {
            inFlightMax.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            return "1a2b3c";
        });
        startGateway(settings().binds(3).windowSize(2).build());
        int messages = 30;
        for (int id = 1; id <= messages; id++) {
            outbox.add(free(id));
        }
        Set<Long> accepted = new HashSet<>();
        for (int index = 0; index < messages; index++) {
            OutboxCall call = outbox.next(WAIT);
            assertThat(call).isInstanceOf(Accepted.class);
            assertThat(accepted.add(call.outboxId())).isTrue();
        }
        assertThat(accepted).hasSize(messages);
        assertThat(inFlightMax.get()).isBetween(2, 3 * 2);
    }

    @Test
    void submitsKeepToThePerBindRate() throws Exception {
        // Proves one bind sends no faster than submitsPerSecondMax: 11 submits at 20 per second span at least 450 ms.
        startGateway(settings().submitsPerSecondMax(20).build());
        for (int id = 1; id <= 11; id++) {
            outbox.add(free(id));
        }
        assertThat(smsc.nextSubmit(WAIT)).isNotNull();
        long first = System.nanoTime();
        for (int index = 1; index < 11; index++) {
            assertThat(smsc.nextSubmit(WAIT)).isNotNull();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - first)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }

    @Test
    void aWindowPermitComesBackOnlyOnceTheOutcomeIsRecorded() throws Exception {
        // Proves the window counts a submit until the outbox has recorded its outcome, not only until
        // it is answered: with the records held (a slow database), a window of 2 sends 2 of 5
        // messages, and the rest go as the records are made, each accepted once.
        outbox.holdRecords();
        startGateway(settings().windowSize(2).build());
        for (int id = 1; id <= 5; id++) {
            outbox.add(free(id));
        }
        Set<Long> accepted = new HashSet<>();
        for (int index = 0; index < 2; index++) {
            assertThat(smsc.nextSubmit(WAIT)).isNotNull();
            accepted.add(outbox.next(WAIT).outboxId());
        }
        assertThat(smsc.nextSubmit(Duration.ofMillis(300))).as("window full until recorded").isNull();

        while (accepted.size() < 5) {
            outbox.recordHeld();
            OutboxCall call = outbox.next(WAIT);
            assertThat(call).isInstanceOf(Accepted.class);
            assertThat(accepted.add(call.outboxId())).as("reported once: %s", call).isTrue();
        }
        outbox.recordHeld();
        for (int index = 2; index < 5; index++) {
            assertThat(smsc.nextSubmit(WAIT)).isNotNull();
        }
        assertThat(smsc.nextSubmit(Duration.ofMillis(200))).isNull();
    }

    @Test
    void submitsComposedEarlierInABatchAreWrittenBeforeTheDispatcherWaitsForAPermit() throws Exception {
        // Proves the dispatcher never waits for a window permit while holding submits it has not
        // written (they could never be answered, so no permit would come back): with a window of 1
        // and a batch of 3, each waits for the one before it to be answered, and all are accepted.
        outbox.claimAllDue();
        for (int id = 31; id <= 33; id++) {
            outbox.add(free(id));
        }
        startGateway(settings().windowSize(1).windowWaitMsMax(1_500).responseTimeoutMs(1_000).build());

        Set<Long> accepted = new HashSet<>();
        for (int index = 0; index < 3; index++) {
            OutboxCall call = outbox.next(WAIT);
            assertThat(call).as("call %d", index).isInstanceOf(Accepted.class);
            accepted.add(call.outboxId());
        }
        assertThat(accepted).containsExactlyInAnyOrder(31L, 32L, 33L);
    }

    @Test
    void jsmppsOwnRequestsFindTheirAnswersBesideTheSubmits() throws Exception {
        // Proves SubmittingSession's hook hands jSMPP every answer that is not a submit's: with an
        // enquire_link after 100 ms idle and a 300 ms response timeout, the first session stays bound
        // for a second (an unanswered enquire_link closes it); then a submit is accepted, and is not
        // also ended as NoAnswer when its timeout passes.
        startGateway(settings().enquireLinkMs(100).responseTimeoutMs(300).build());
        Thread.sleep(1_000);
        assertThat(smsc.bindCount()).isEqualTo(1);
        assertThat(gateway.boundSessions()).isEqualTo(1);

        outbox.add(free(21));
        assertThat(outbox.next(WAIT)).isEqualTo(new Accepted(21, "1a2b3c"));
        assertThat(outbox.next(Duration.ofMillis(600))).as("no second outcome after the timeout").isNull();
        assertThat(smsc.bindCount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "receiveConcurrencyPerBind {0}")
    @ValueSource(ints = {0, 2})
    void manyTextsWaitForTheirCommitsAtOnce(int receiveConcurrency) throws Exception {
        // Proves 40 deliver_sm can wait for their commits at the same time on one bind (as group commit needs), then all are
        // answered OK, on the bind's reader thread alone (0) or with only 2 of jSMPP's PDU threads: no thread is held while a text waits.
        startGateway(settings().receiveConcurrencyPerBind(receiveConcurrency).build());
        int texts = 40;
        List<CompletableFuture<Integer>> deliveries = new ArrayList<>();
        for (int index = 0; index < texts; index++) {
            deliveries.add(deliverInBackground(DONOR, 0, SUN_FIVE_GSM, ascii(0x1501, "mo-" + index)));
        }
        List<PendingText> pending = new ArrayList<>();
        for (int index = 0; index < texts; index++) {
            PendingText next = this.texts.next(WAIT);
            assertThat(next).as("text %d handed over while the others still wait", index).isNotNull();
            pending.add(next);
        }
        assertThat(deliveries).noneMatch(CompletableFuture::isDone);
        // jSMPP names a session's reader thread PDUReaderWorker-<session>; its pool threads are pool-<n>-thread-<m>.
        if (receiveConcurrency == 0) {
            assertThat(pending).allSatisfy(text -> assertThat(text.thread()).startsWith("PDUReaderWorker"));
        } else {
            assertThat(pending).noneSatisfy(text -> assertThat(text.thread()).startsWith("PDUReaderWorker"));
        }

        pending.forEach(text -> text.commit().complete(TextIntake.IntakeOutcome.DUPLICATE));
        for (CompletableFuture<Integer> delivery : deliveries) {
            assertThat(delivery.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
        }
    }

    private static String tlv(SubmitSm submitSm, int tag) {
        OptionalParameter parameter = submitSm.getOptionalParameter((short) tag);
        assertThat(parameter).isInstanceOf(OptionalParameter.OctetString.class);
        return new String(((OptionalParameter.OctetString) parameter).getValue(), StandardCharsets.US_ASCII);
    }

    private static void eventually(BooleanSupplier condition) {
        try {
            if (!Eventually.holds(WAIT, condition)) {
                throw new AssertionError(new TimeoutException("condition not met within " + WAIT.toMillis() + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
