package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.jsmpp.util.MessageId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real jSMPP server session and client session over loopback, with and without
 * {@link SmppReaderThread}: where each received PDU is processed, and what a failing handler does.
 * Fails first when a jSMPP upgrade moves the fields the swap relies on.
 */
class SmppReaderThreadTest {

    private static final long TIMEOUT_MS = 5_000;
    /** jSMPP names each session's reader thread so. */
    private static final String READER = "PDUReaderWorker";

    private final AtomicReference<String> submitThread = new AtomicReference<>();
    private final AtomicReference<String> deliverThread = new AtomicReference<>();
    private final AtomicBoolean failNextDeliver = new AtomicBoolean();
    private ServerSocket listener;
    private SMPPServerSession server;
    private SMPPSession client;

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.unbindAndClose();
        }
        if (server != null) {
            server.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void bothEndsProcessReceivedPdusOnTheirReaderThread() throws Exception {
        // Proves: after the swap, a submit_sm (at the server) and a deliver_sm (at the client) are each
        // processed on the session's own reader thread, and a second swap is harmless.
        bind();
        assertThat(SmppReaderThread.processOnReaderThread(server)).isTrue();
        assertThat(SmppReaderThread.processOnReaderThread(client)).isTrue();
        assertThat(SmppReaderThread.processOnReaderThread(client)).as("a second call").isTrue();

        submit();
        deliver();

        assertThat(submitThread.get()).startsWith(READER);
        assertThat(deliverThread.get()).startsWith(READER);
    }

    @Test
    void withoutTheSwapJsmppHandsEachPduToItsPool() throws Exception {
        // Proves the test above can fail: jSMPP's own behaviour is a pool thread per received PDU.
        bind();

        submit();
        deliver();

        assertThat(submitThread.get()).isNotNull().doesNotStartWith(READER);
        assertThat(deliverThread.get()).isNotNull().doesNotStartWith(READER);
    }

    @Test
    void aFailingHandlerLeavesTheSessionBound() throws Exception {
        // Proves: a handler's exception on the reader thread costs that PDU an error answer (jSMPP turns it into its
        // temporary application error) and no more; the next PDU is processed on the same bind and reader.
        bind();
        SmppReaderThread.processOnReaderThread(client);

        failNextDeliver.set(true);
        assertThatThrownBy(this::deliver).isInstanceOfSatisfying(NegativeResponseException.class,
                e -> assertThat(e.getCommandStatus()).isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN));

        assertThat(client.getSessionState().isBound()).isTrue();
        deliver();
        assertThat(deliverThread.get()).startsWith(READER);
    }

    @Test
    void anExceptionThatEscapesATaskDoesNotReachTheReader() {
        // Proves: what jSMPP itself lets escape (a failing answer sender, say) is logged and stops
        // there, as it would on a pool thread; jSMPP's reader closes its session on any RuntimeException.
        AtomicReference<String> ranOn = new AtomicReference<>();
        SmppReaderThread.OnCallingThread executor = new SmppReaderThread.OnCallingThread();

        executor.execute(() -> {
            ranOn.set(Thread.currentThread().getName());
            throw new IllegalStateException("a bug, on purpose");
        });

        assertThat(ranOn.get()).isEqualTo(Thread.currentThread().getName());
    }

    /** A server session and a client session, bound to each other over loopback. */
    private void bind() throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        CompletableFuture<SMPPServerSession> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                Socket socket = listener.accept();
                SMPPServerSession session = new SMPPServerSession(new SocketConnection(socket), (newState, oldState, source) -> { },
                        serverListener(), new ServerResponseDeliveryAdapter() { }, 1, 100);
                BindRequest request = session.waitForBind(TIMEOUT_MS);
                request.accept("test-smsc", InterfaceVersion.IF_34);
                return session;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        client = new SMPPSession();
        client.setTransactionTimer(TIMEOUT_MS);
        client.setMessageReceiverListener(clientListener());
        client.connectAndBind("127.0.0.1", listener.getLocalPort(), new BindParameter(BindType.BIND_TRX, "test", "secret", "test",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), TIMEOUT_MS);
        server = accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void submit() throws Exception {
        client.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "70141", TypeOfNumber.INTERNATIONAL,
                NumberingPlanIndicator.ISDN, "447700900123", new ESMClass(), (byte) 0, (byte) 0, null, null,
                new RegisteredDelivery(), (byte) 0, new RawDataCoding((byte) 0), (byte) 0, bytes("Thank you"));
    }

    private void deliver() throws Exception {
        server.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "447700900123", TypeOfNumber.UNKNOWN,
                NumberingPlanIndicator.UNKNOWN, "70141", new ESMClass(), (byte) 0, (byte) 0, new RegisteredDelivery(),
                new RawDataCoding((byte) 0), bytes("SUN5"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private MessageReceiverListener clientListener() {
        return new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                if (failNextDeliver.getAndSet(false)) {
                    throw new IllegalStateException("a handler bug, on purpose");
                }
                deliverThread.set(Thread.currentThread().getName());
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
                throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
            }
        };
    }

    /** Answers submit_sm with a message id; every other request is refused, as nothing here sends one. */
    private ServerMessageReceiverListener serverListener() {
        return (ServerMessageReceiverListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServerMessageReceiverListener.class}, (proxy, method, arguments) -> {
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, arguments);
                    }
                    if (!method.getName().equals("onAcceptSubmitSm")) {
                        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
                    }
                    submitThread.set(Thread.currentThread().getName());
                    return new SubmitSmResult(new MessageId("1"), null);
                });
    }
}
