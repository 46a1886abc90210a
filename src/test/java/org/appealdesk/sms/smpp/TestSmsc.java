package org.appealdesk.sms.smpp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;

/**
 * A small SMSC for tests: jSMPP's server session on 127.0.0.1 only (port 0), which accepts any
 * transceiver bind, records every submit_sm, answers it as the test says, and sends deliver_sm
 * on demand, reporting the ESME's command_status.
 */
final class TestSmsc implements AutoCloseable {

    /** How the SMSC answers one submit_sm: return an id, throw for an error, or sleep to stay silent. */
    @FunctionalInterface
    interface SubmitResponder {
        String messageIdFor(SubmitSm submitSm) throws ProcessRequestException;
    }

    private static final long SERVER_TRANSACTION_TIMER_MS = 10_000;

    private final ServerSocket serverSocket;
    private final SMPPServerSessionListener listener;
    private final BlockingQueue<SubmitSm> submits = new LinkedBlockingQueue<>();
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final AtomicInteger binds = new AtomicInteger();
    private final Thread acceptor;
    private volatile SubmitResponder responder = submitSm -> "1a2b3c";
    private volatile boolean closed;

    private TestSmsc() throws IOException {
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener = new SMPPServerSessionListener(0, new LoopbackOnly(serverSocket));
        listener.setPduProcessorDegree(16);
        listener.setMessageReceiverListener(new Receiver());
        acceptor = Thread.ofVirtual().name("test-smsc-accept").start(this::acceptUntilClosed);
    }

    static TestSmsc start() throws IOException {
        return new TestSmsc();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    void respondWith(SubmitResponder responder) {
        this.responder = responder;
    }

    /** The next submit_sm received, or null when none came within {@code timeout}. */
    SubmitSm nextSubmit(Duration timeout) throws InterruptedException {
        return submits.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int submitsWaiting() {
        return submits.size();
    }

    int bindCount() {
        return binds.get();
    }

    /** Closes every session's socket without an unbind, as a crashing SMSC or a broken link would. */
    void dropSessions() {
        for (SMPPServerSession session : sessions) {
            session.close();
        }
        sessions.clear();
    }

    /**
     * Sends a deliver_sm on the latest bound session and returns the ESME's command_status
     * (0 for ESME_ROK).
     */
    int deliver(String sourceAddr, String destinationAddr, int esmClass, int dataCoding, byte[] shortMessage,
                OptionalParameter... parameters) throws Exception {
        SMPPServerSession session = sessions.getLast();
        DataCoding coding = new RawDataCoding((byte) dataCoding);
        try {
            session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, sourceAddr,
                    TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, destinationAddr, new ESMClass(esmClass),
                    (byte) 0, (byte) 0, new RegisteredDelivery(0), coding, shortMessage, parameters);
            return SMPPConstant.STAT_ESME_ROK;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (SMPPServerSession session : sessions) {
            session.close();
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptUntilClosed() {
        while (!closed) {
            SMPPServerSession session;
            try {
                session = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            session.setTransactionTimer(SERVER_TRANSACTION_TIMER_MS);
            Thread.ofVirtual().name("test-smsc-bind").start(() -> {
                try {
                    BindRequest request = session.waitForBind(5_000);
                    request.accept("testsmsc", InterfaceVersion.IF_34);
                    sessions.add(session);
                    binds.incrementAndGet();
                } catch (Exception e) {
                    session.close();
                }
            });
        }
    }

    /** Listens on the loopback interface only: jSMPP's own factory listens on all of them. */
    private record LoopbackOnly(ServerSocket socket) implements ServerConnectionFactory {
        @Override
        public ServerConnection listen(int port) {
            return new ServerSocketConnection(socket);
        }

        @Override
        public ServerConnection listen(int port, int timeout) throws IOException {
            socket.setSoTimeout(timeout);
            return new ServerSocketConnection(socket);
        }

        @Override
        public ServerConnection listen(int port, int timeout, int backlog) throws IOException {
            return listen(port, timeout);
        }
    }

    private final class Receiver implements ServerMessageReceiverListener {
        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source) throws ProcessRequestException {
            submits.add(submitSm);
            try {
                return new SubmitSmResult(new MessageId(responder.messageIdFor(submitSm)), new OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException("bad message id", SMPPConstant.STAT_ESME_RSYSERR);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
        }
    }
}
