package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.appealdesk.support.Eventually;
import org.jsmpp.SMPPConstant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator's answers over real loopback sessions, with submits arriving together (one write
 * of a {@link RawEsme}): combined into few writes, each exactly once, silenced ones never, and
 * none lost when the session ends.
 */
@Timeout(60)
class CombiningConnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int ENQUIRE_LINK_SEQUENCE = 1_000_000;

    private SimulatedSmsc smsc;

    @AfterEach
    void stop() {
        if (smsc != null) {
            smsc.close();
        }
    }

    @Test
    void answersABurstOfSubmitsReadTogetherInFarFewerWritesThanAnswers() throws Exception {
        // Proves 200 submits written at once are all answered OK in under 50 socket writes (one per answer before).
        Reading reading = burstOf200(SimSettings.perfect(31));
        assertThat(reading.refused()).isZero();
    }

    @Test
    void answersABurstOfRefusedSubmitsInFarFewerWritesToo() throws Exception {
        // Proves refusals (jSMPP's bare-header submit_sm_resp, here ESME_RTHROTTLED) are held and combined like acceptances.
        Reading reading = burstOf200(SimSettings.perfect(36).withThrottleProbability(1.0));
        assertThat(reading.refused()).isEqualTo(reading.answered());
    }

    @Test
    void sendsReceiptsDueInTheSameMillisecondInOneWrite() throws Exception {
        // Proves receipts falling due together share a write: 200 billed submits at once, their receipts spread over
        // 0-50 ms, take fewer than 100 writes (about 160 before: one a receipt), each receipt once.
        int burst = 200;
        try (RawEsme esme = startAndBind(SimSettings.perfect(37))) {
            long writesBefore = smsc.socketWrites();
            List<byte[]> submits = new ArrayList<>();
            for (int sequence = 1; sequence <= burst; sequence++) {
                submits.add(RawEsme.billedSubmit(sequence, "447700" + (900_000 + sequence), 500, "req-together-" + sequence));
            }
            esme.write(RawEsme.together(submits));
            AtomicInteger receipts = new AtomicInteger();
            Reading reading = readUntil(esme, r -> r.answered() == burst && receipts.get() == burst, receipts);
            assertThat(reading.answersBySequence()).hasSize(burst);
            assertThat(receipts.get()).isEqualTo(burst);
            assertThat(reading.unexpected()).isEmpty();
            long writes = smsc.socketWrites() - writesBefore;
            assertThat(writes).as("socket writes for %d answers and %d receipts", burst, burst).isLessThan(burst / 2);
        }
    }

    /** Writes 200 free submits at once on a fresh bind; checks each is answered once, in under 50 socket writes. */
    private Reading burstOf200(SimSettings settings) throws Exception {
        int burst = 200;
        try (RawEsme esme = startAndBind(settings)) {
            long writesBefore = smsc.socketWrites();
            esme.write(freeSubmits(1, burst));
            Reading reading = readUntil(esme, r -> r.answered() == burst, null);
            assertThat(reading.answersBySequence()).hasSize(burst).allSatisfy((sequence, count) -> assertThat(count).isOne());
            long writes = smsc.socketWrites() - writesBefore;
            assertThat(writes).as("socket writes for %d answers", burst).isPositive().isLessThan(burst / 4);
            return reading;
        }
    }

    @Test
    void answersEverySubmitOfBurstsOverSeveralBindsExactlyOnce() throws Exception {
        // Proves 2,000 billed submits, in bursts of 100 over 4 binds while receipts are written to the same sockets,
        // each get exactly one OK answer (none more before a later enquire_link_resp), and every PDU read is whole.
        int binds = 4;
        int bursts = 5;
        int burst = 100;
        int perBind = bursts * burst;
        smsc = SimulatedSmsc.start(SimSettings.perfect(32));
        List<RawEsme> esmes = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(binds * 2);
        try {
            for (int i = 0; i < binds; i++) {
                esmes.add(RawEsme.bind(smsc));
            }
            assertThat(Eventually.holds(Duration.ofSeconds(5), () -> smsc.boundSessions() == binds)).isTrue();
            AtomicInteger receipts = new AtomicInteger();
            List<Future<Reading>> readings = new ArrayList<>();
            for (int b = 0; b < binds; b++) {
                RawEsme esme = esmes.get(b);
                int bind = b;
                threads.submit(() -> {
                    for (int first = 1; first <= perBind; first += burst) {
                        List<byte[]> submits = new ArrayList<>();
                        for (int sequence = first; sequence < first + burst; sequence++) {
                            int donor = bind * perBind + sequence;
                            submits.add(RawEsme.billedSubmit(sequence, "447700" + (900_000 + donor), 500, "req-" + donor));
                        }
                        esme.write(RawEsme.together(submits));
                    }
                    return null;
                });
                readings.add(threads.submit(() -> {
                    Reading reading = readUntil(esme, r -> r.answered() == perBind, receipts);
                    esme.write(RawEsme.enquireLink(ENQUIRE_LINK_SEQUENCE));
                    readUntil(esme, reading, Reading::enquireLinkAnswered, receipts);
                    readUntil(esme, reading, r -> receipts.get() == binds * perBind, receipts);
                    return reading;
                }));
            }
            for (Future<Reading> future : readings) {
                Reading reading = future.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
                assertThat(reading.answersBySequence()).hasSize(perBind).allSatisfy((sequence, count) -> assertThat(count).isOne());
                assertThat(reading.refused()).isZero();
                assertThat(reading.enquireLinkAnswered()).isTrue();
                assertThat(reading.unexpected()).as("PDUs that are none of the expected kinds (torn or interleaved bytes)").isEmpty();
            }
            assertThat(receipts.get()).isEqualTo(binds * perBind);
            SimLedger ledger = smsc.ledger();
            assertThat(ledger.billedSubmitsReceived()).isEqualTo(binds * perBind);
            assertThat(ledger.distinctRequestIds()).isEqualTo(binds * perBind);
        } finally {
            threads.shutdownNow();
            for (RawEsme esme : esmes) {
                esme.close();
            }
        }
    }

    @Test
    void neverAnswersSilencedSubmitsWhileAnsweringTheirNeighbours() throws Exception {
        // Proves NO_SUBMIT_RESPONSE charges in a burst get no answer (none before a later enquire_link_resp)
        // while the free messages between them are all answered.
        int pairs = 50;
        try (RawEsme esme = startAndBind(SimSettings.perfect(33).withFailureMix(FailureMix.only(ChargeOutcome.NO_SUBMIT_RESPONSE)))) {
            List<byte[]> submits = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                submits.add(RawEsme.billedSubmit(2 * i + 1, "447700" + (900_000 + i), 500, "req-silent-" + i));
                submits.add(RawEsme.freeSubmit(2 * i + 2, "447700" + (900_000 + i)));
            }
            esme.write(RawEsme.together(submits));
            Reading reading = readUntil(esme, r -> r.answered() == pairs, null);
            esme.write(RawEsme.enquireLink(ENQUIRE_LINK_SEQUENCE));
            readUntil(esme, reading, Reading::enquireLinkAnswered, null);
            assertThat(reading.enquireLinkAnswered()).isTrue();
            assertThat(reading.answersBySequence()).hasSize(pairs)
                    .allSatisfy((sequence, count) -> assertThat(sequence % 2).as("answered sequence %d is a free message", sequence).isZero())
                    .allSatisfy((sequence, count) -> assertThat(count).isOne());
            assertThat(smsc.ledger().chargeAttempts(ChargeOutcome.NO_SUBMIT_RESPONSE)).isEqualTo(pairs);
        }
    }

    @Test
    void writesTheAnswersHeldWhenTheEsmeUnbindsBeforeTheUnbindResp() throws Exception {
        // Proves submits and an unbind read together get every answer, all before the unbind_resp, and nothing after it.
        int burst = 100;
        try (RawEsme esme = startAndBind(SimSettings.perfect(34))) {
            esme.write(RawEsme.together(List.of(freeSubmits(1, burst), RawEsme.unbind(burst + 1))));
            Reading reading = readUntil(esme, r -> esme.ended(), null);
            assertThat(esme.ended()).as("the simulator closed the socket after its unbind_resp").isTrue();
            List<Integer> commands = reading.pdus().stream().map(RawEsme.Pdu::commandId).toList();
            assertThat(commands).hasSize(burst + 1).endsWith(SMPPConstant.CID_UNBIND_RESP);
            assertThat(commands.subList(0, burst)).containsOnly(SMPPConstant.CID_SUBMIT_SM_RESP);
            assertThat(reading.answersBySequence()).hasSize(burst);
        }
    }

    @Test
    void writesTheAnswersHeldWhenTheSimulatorUnbindsBeforeItCloses() throws Exception {
        // Proves submits the ESME sends with its unbind_resp to the simulator's unbind are all answered before the socket closes.
        int burst = 100;
        try (RawEsme esme = startAndBind(SimSettings.perfect(35))) {
            Thread closer = new Thread(smsc::close, "test-close");
            closer.start();
            Reading unbind = readUntil(esme, r -> r.unbindSequence() != null, null);
            assertThat(unbind.unbindSequence()).isNotNull();
            esme.write(RawEsme.together(List.of(freeSubmits(1, burst), RawEsme.unbindResp(unbind.unbindSequence()))));
            Reading reading = readUntil(esme, r -> esme.ended(), null);
            assertThat(reading.answersBySequence()).hasSize(burst).allSatisfy((sequence, count) -> assertThat(count).isOne());
            closer.join(WAIT.toMillis());
        }
    }

    /** Starts the simulator and binds one ESME, once the simulator processes its PDUs on its reader (bound in the pool). */
    private RawEsme startAndBind(SimSettings settings) throws Exception {
        smsc = SimulatedSmsc.start(settings);
        RawEsme esme = RawEsme.bind(smsc);
        assertThat(Eventually.holds(Duration.ofSeconds(5), () -> smsc.boundSessions() == 1)).isTrue();
        return esme;
    }

    private static byte[] freeSubmits(int firstSequence, int count) throws Exception {
        List<byte[]> submits = new ArrayList<>();
        for (int sequence = firstSequence; sequence < firstSequence + count; sequence++) {
            submits.add(RawEsme.freeSubmit(sequence, "447700" + (900_000 + sequence)));
        }
        return RawEsme.together(submits);
    }

    private static Reading readUntil(RawEsme esme, Predicate<Reading> done, AtomicInteger receipts) throws Exception {
        return readUntil(esme, new Reading(), done, receipts);
    }

    /**
     * Reads into {@code reading} until {@code done} holds, the simulator closes the socket, or
     * {@link #WAIT} passes, answering each deliver_sm OK and counting it in {@code receipts}.
     */
    private static Reading readUntil(RawEsme esme, Reading reading, Predicate<Reading> done, AtomicInteger receipts) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.test(reading) && !esme.ended() && System.nanoTime() - deadline < 0) {
            for (RawEsme.Pdu pdu : esme.poll(POLL)) {
                reading.add(pdu);
                if (pdu.commandId() == SMPPConstant.CID_DELIVER_SM) {
                    esme.write(RawEsme.deliverSmResp(pdu.sequenceNumber()));
                    if (receipts != null) {
                        receipts.incrementAndGet();
                    }
                }
            }
        }
        return reading;
    }

    /** What one ESME read, in order, and its submit answers by sequence number. */
    private static final class Reading {

        private final List<RawEsme.Pdu> pdus = new ArrayList<>();
        private final Map<Integer, Integer> answersBySequence = new HashMap<>();
        private final List<RawEsme.Pdu> unexpected = new ArrayList<>();
        private int refused;
        private boolean enquireLinkAnswered;
        private Integer unbindSequence;

        void add(RawEsme.Pdu pdu) {
            pdus.add(pdu);
            switch (pdu.commandId()) {
                case SMPPConstant.CID_SUBMIT_SM_RESP -> {
                    answersBySequence.merge(pdu.sequenceNumber(), 1, Integer::sum);
                    if (pdu.commandStatus() != 0) {
                        refused++;
                    }
                }
                case SMPPConstant.CID_ENQUIRE_LINK_RESP -> enquireLinkAnswered |= pdu.sequenceNumber() == ENQUIRE_LINK_SEQUENCE;
                case SMPPConstant.CID_UNBIND -> unbindSequence = pdu.sequenceNumber();
                case SMPPConstant.CID_DELIVER_SM, SMPPConstant.CID_UNBIND_RESP -> { }
                default -> unexpected.add(pdu);
            }
        }

        List<RawEsme.Pdu> pdus() {
            return pdus;
        }

        Map<Integer, Integer> answersBySequence() {
            return answersBySequence;
        }

        int answered() {
            return answersBySequence.size();
        }

        int refused() {
            return refused;
        }

        boolean enquireLinkAnswered() {
            return enquireLinkAnswered;
        }

        Integer unbindSequence() {
            return unbindSequence;
        }

        List<RawEsme.Pdu> unexpected() {
            return unexpected;
        }
    }
}
