package org.appealdesk.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.appealdesk.platform.SmppReaderThread;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SessionStateListener;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on loopback, accepts TCP connections and turns them into bound jSMPP server sessions.
 *
 * <p>Why not {@code SMPPServerSessionListener}: it builds every session with jSMPP's own PDU
 * sender and socket connection, and the "no submit_sm_resp" outcome needs
 * {@link QuietSubmitRespSender} in its place, combined writes a {@link CombiningConnection}.
 * This class does what the listener does (a {@link ServerSocketConnection}, then an
 * {@link SMPPServerSession} per connection) with those differences, and binds the server
 * socket to the configured loopback address rather than to every interface.
 *
 * <p>A session joins the {@link SessionPool} only after its bind_resp is sent, so no deliver_sm
 * can overtake the bind_resp on the wire.
 */
final class BindGate implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BindGate.class);

    /** The system_id the simulator gives in bind_resp. */
    static final String SMSC_SYSTEM_ID = "appealsim";
    static final int BACKLOG = 50;
    /** accept() wakes this often to notice close(). */
    static final int ACCEPT_POLL_MS = 200;
    /** A connection must bind within this long or is closed (jSMPP closes it on timeout). */
    static final long BIND_WAIT_MS = 5_000;
    /** Connections waiting for their bind at once; more is a connect storm, and they are closed. */
    static final int BINDS_PENDING_MAX = 32;
    /**
     * jSMPP threads per session that process incoming PDUs, and their queue, until the bind; after
     * it each PDU is processed on the session's reader thread.
     */
    static final int PDU_PROCESSOR_DEGREE = 1;
    static final int PDU_QUEUE_CAPACITY = 10_000;
    /** The SMSC sends enquire_link after this much silence. */
    static final int ENQUIRE_LINK_MS = 30_000;
    private static final long CLOSE_WAIT_MS = 3_000;

    private final SimSettings settings;
    private final SessionPool pool;
    private final ChargeDesk desk;
    private final ServerSocket serverSocket;
    private final ServerSocketConnection serverConnection;
    // Every session this gate opened, by jSMPP's id: its threads are named after it (a benchmark tells the simulator's from the ESME's so).
    private final Set<String> sessionIds = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Semaphore pendingBinds = new Semaphore(BINDS_PENDING_MAX);
    private final Set<DeliveringSession> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final SessionStateListener stateListener = this::onStateChange;
    private volatile boolean running = true;

    BindGate(SimSettings settings, SessionPool pool, ChargeDesk desk) {
        this.settings = settings;
        this.pool = pool;
        this.desk = desk;
        try {
            this.serverSocket = new ServerSocket(settings.port(), BACKLOG, InetAddress.getByName(settings.host()));
            serverSocket.setSoTimeout(ACCEPT_POLL_MS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e);
        }
        this.serverConnection = new ServerSocketConnection(serverSocket);
        this.acceptor = new Thread(this::acceptLoop, "sim-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** The ids of every session this gate has opened, bound or not, ended or not. */
    Set<String> sessionIds() {
        return Set.copyOf(sessionIds);
    }

    /**
     * Accepts like {@link ServerSocketConnection#accept()}, with Nagle's algorithm off: jSMPP writes
     * each PDU on its own and never sets TCP_NODELAY, so a deliver_sm written while an earlier one
     * was unacknowledged waited for the peer's delayed ACK (40 ms on Linux). That put a floor of
     * about 50 ms under the text acknowledgement p99 at any rate, even 70 texts/s (bench --sweep).
     * The platform's side sets it in its own connection factory (BindSlot).
     */
    private CombiningConnection acceptWithoutDelay() throws IOException {
        Socket socket = serverSocket.accept();
        try {
            socket.setTcpNoDelay(true);
            return new CombiningConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void acceptLoop() {
        while (running) {
            try {
                CombiningConnection connection = acceptWithoutDelay();
                if (!pendingBinds.tryAcquire()) {
                    LOG.warn("{} connections already waiting to bind: closing a new one", BINDS_PENDING_MAX);
                    connection.close();
                    continue;
                }
                DeliveringSession session = open(connection);
                sessionIds.add(session.getSessionId());
                Thread binder = new Thread(() -> awaitBind(session), "sim-bind-" + session.getSessionId());
                binder.setDaemon(true);
                binder.start();
            } catch (SocketTimeoutException e) {
                // Poll tick: look at running again.
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.warn("accept failed; carrying on", e);
                }
            }
        }
    }

    private DeliveringSession open(CombiningConnection connection) throws IOException {
        try {
            connection.setSoTimeout((int) BIND_WAIT_MS);
            QuietSubmitRespSender sender = new QuietSubmitRespSender();
            DeliveringSession session = new DeliveringSession(connection, stateListener, desk,
                    new ServerResponseDeliveryAdapter() { }, PDU_PROCESSOR_DEGREE, PDU_QUEUE_CAPACITY,
                    new SynchronizedPDUSender(sender), new DefaultPDUReader());
            desk.register(session, sender);
            open.add(session);
            return session;
        } catch (IOException | RuntimeException e) {
            connection.close();
            pendingBinds.release();
            throw e;
        }
    }

    private void awaitBind(DeliveringSession session) {
        try {
            BindRequest request = session.waitForBind(BIND_WAIT_MS);
            int refusal = refusalOf(request);
            if (refusal != SMPPConstant.STAT_ESME_ROK) {
                LOG.info("bind {} from system_id '{}' refused with 0x{}", session.getSessionId(), request.getSystemId(), Integer.toHexString(refusal));
                request.reject(refusal);
                return;
            }
            session.setTransactionTimer(settings.deliverResponseTimeoutMs());
            request.accept(SMSC_SYSTEM_ID, InterfaceVersion.IF_34);
            // The desk answers from memory and never blocks: no thread hand-off per PDU (SmppReaderThread).
            SmppReaderThread.processOnReaderThread(session);
            // After the bind: jSMPP applies the timer to the socket only once the session is bound.
            session.setEnquireLinkTimer(ENQUIRE_LINK_MS);
            String label = "s" + sessionCount.incrementAndGet();
            if (pool.add(label, session, request.getBindType()) == null) {
                LOG.warn("bind {} accepted but {} sessions are bound: unbinding it", session.getSessionId(), SessionPool.SESSIONS_MAX);
                session.unbindAndClose();
                return;
            }
            LOG.info("ESME bound: session {} ({}) as {}", label, session.getSessionId(), request.getBindType());
        } catch (TimeoutException e) {
            LOG.info("connection {} sent no bind within {} ms; closed", session.getSessionId(), BIND_WAIT_MS);
        } catch (IOException | PDUStringException | RuntimeException e) {
            LOG.warn("bind {} failed", session.getSessionId(), e);
            session.close();
        } finally {
            pendingBinds.release();
        }
    }

    private int refusalOf(BindRequest request) {
        if (!running) {
            return SMPPConstant.STAT_ESME_RBINDFAIL;
        }
        if (!settings.systemId().equals(request.getSystemId())) {
            return SMPPConstant.STAT_ESME_RINVSYSID;
        }
        if (!settings.password().equals(request.getPassword())) {
            return SMPPConstant.STAT_ESME_RINVPASWD;
        }
        if (pool.size() >= SessionPool.SESSIONS_MAX) {
            return SMPPConstant.STAT_ESME_RBINDFAIL;
        }
        return SMPPConstant.STAT_ESME_ROK;
    }

    private void onStateChange(SessionState newState, SessionState oldState, Session source) {
        if (newState == SessionState.UNBOUND || newState == SessionState.CLOSED) {
            SMPPServerSession session = (SMPPServerSession) source;
            pool.remove(session);
            if (newState == SessionState.CLOSED) {
                desk.forget(session);
                open.remove(session);
            }
            LOG.debug("session {} {} (was {})", source.getSessionId(), newState, oldState);
        }
    }

    /** Socket writes made on the sessions open now; for tests. */
    long socketWrites() {
        return open.stream().mapToLong(DeliveringSession::socketWrites).sum();
    }

    /** Stops accepting, unbinds every session (in parallel, bounded), then closes what is left. */
    @Override
    public void close() {
        running = false;
        try {
            serverConnection.close();
        } catch (IOException e) {
            LOG.debug("closing the server socket", e);
        }
        try {
            acceptor.join(ACCEPT_POLL_MS * 5L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Thread> unbinders = new ArrayList<>();
        for (SMPPServerSession session : List.copyOf(open)) {
            Thread unbinder = new Thread(() -> {
                if (session.getSessionState().isBound()) {
                    session.unbindAndClose();
                } else {
                    session.close();
                }
            }, "sim-unbind-" + session.getSessionId());
            unbinder.setDaemon(true);
            unbinder.start();
            unbinders.add(unbinder);
        }
        long deadline = System.nanoTime() + CLOSE_WAIT_MS * 1_000_000;
        for (Thread unbinder : unbinders) {
            try {
                unbinder.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (SMPPServerSession session : List.copyOf(open)) {
            session.close();
        }
    }
}
