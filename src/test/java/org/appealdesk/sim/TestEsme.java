package org.appealdesk.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitSmResult;

/**
 * A plain jSMPP client standing in for the ESME in tests: binds to the simulator on loopback,
 * collects deliver_sm (MOs and receipts apart), answers them as the test says, and submits.
 */
final class TestEsme implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final long TRANSACTION_TIMER_MS = 2_000;
    private static final int QUEUE_MAX = 100_000;

    private final SMPPSession session = new SMPPSession();
    private final LinkedBlockingQueue<DeliverSm> mos = new LinkedBlockingQueue<>(QUEUE_MAX);
    private final LinkedBlockingQueue<DeliverSm> receipts = new LinkedBlockingQueue<>(QUEUE_MAX);
    private volatile ToIntFunction<DeliverSm> answer = deliverSm -> 0;
    private volatile Consumer<DeliverSm> onMo = deliverSm -> { };

    private TestEsme() {
    }

    static TestEsme bind(SimulatedSmsc smsc) throws IOException {
        return bind(smsc.port(), BindType.BIND_TRX, smsc.settings().systemId(), smsc.settings().password());
    }

    static TestEsme bind(int port, BindType type, String systemId, String password) throws IOException {
        TestEsme esme = new TestEsme();
        esme.session.setTransactionTimer(TRANSACTION_TIMER_MS);
        esme.session.setMessageReceiverListener(esme.listener());
        esme.session.connectAndBind("127.0.0.1", port,
                new BindParameter(type, systemId, password, "test", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 5_000);
        return esme;
    }

    /** The command_status to answer each deliver_sm with (0 = OK). */
    TestEsme answering(ToIntFunction<DeliverSm> statusOf) {
        this.answer = statusOf;
        return this;
    }

    /** Called for each MO acknowledged OK, on jSMPP's thread: must not block. */
    TestEsme onMo(Consumer<DeliverSm> handler) {
        this.onMo = handler;
        return this;
    }

    SMPPSession session() {
        return session;
    }

    private MessageReceiverListener listener() {
        return new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
                boolean receipt = isReceipt(deliverSm);
                (receipt ? receipts : mos).offer(deliverSm);
                int status = answer.applyAsInt(deliverSm);
                if (status != 0) {
                    throw new ProcessRequestException("test ESME answers 0x" + Integer.toHexString(status), status);
                }
                if (!receipt) {
                    onMo.accept(deliverSm);
                }
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
                throw new ProcessRequestException("no data_sm", 0x03);
            }
        };
    }

    static boolean isReceipt(DeliverSm deliverSm) {
        return (deliverSm.getEsmClass() & 0x3C) == 0x04;
    }

    DeliverSm nextMo(Duration wait) throws InterruptedException {
        return mos.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    DeliverSm nextReceipt(Duration wait) throws InterruptedException {
        return receipts.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Up to {@code count} MOs, waiting at most {@code wait} in all. */
    List<DeliverSm> mos(int count, Duration wait) throws InterruptedException {
        List<DeliverSm> got = new ArrayList<>(count);
        long deadline = System.nanoTime() + wait.toNanos();
        while (got.size() < count) {
            long remaining = deadline - System.nanoTime();
            DeliverSm next = remaining > 0 ? mos.poll(remaining, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                break;
            }
            got.add(next);
        }
        return got;
    }

    SubmitSmResult submit(String source, String serviceType, String destination, int registeredDelivery, String body,
                          OptionalParameter... tlvs) throws Exception {
        return session.submitShortMessage(serviceType,
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, source,
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination,
                new ESMClass(), (byte) 0, (byte) 1, null, null, new RegisteredDelivery(registeredDelivery), (byte) 0,
                new RawDataCoding((byte) 0), (byte) 0, body.getBytes(StandardCharsets.US_ASCII), tlvs);
    }

    /** A billed submit in the PRICE_TLV profile: price and request id as TLVs, receipt requested. */
    SubmitSmResult charge(String donor, long pence, String requestId) throws Exception {
        return submit("70141", null, donor, 1, "Thank you",
                text(SimSettings.PRICE_TAG_DEFAULT, Long.toString(pence)), text(SimSettings.REQUEST_ID_TAG_DEFAULT, requestId));
    }

    static OptionalParameter text(int tag, String value) {
        return new OptionalParameter.COctetString((short) tag, value);
    }

    /** A vendor or standard TLV's value as text without the C-string NUL; null when absent. */
    static String tlv(DeliverSm deliverSm, int tag) {
        OptionalParameter parameter = deliverSm.getOptionalParameter((short) tag);
        if (!(parameter instanceof OptionalParameter.OctetString octets)) {
            return null;
        }
        String value = new String(octets.getValue(), StandardCharsets.US_ASCII);
        int nul = value.indexOf('\0');
        return nul >= 0 ? value.substring(0, nul) : value;
    }

    static Integer byteTlv(DeliverSm deliverSm, int tag) {
        OptionalParameter parameter = deliverSm.getOptionalParameter((short) tag);
        return parameter instanceof OptionalParameter.Byte b ? Integer.valueOf(b.getValue() & 0xFF) : null;
    }

    @Override
    public void close() {
        if (session.getSessionState().isBound()) {
            session.unbindAndClose();
        } else {
            session.close();
        }
    }
}
