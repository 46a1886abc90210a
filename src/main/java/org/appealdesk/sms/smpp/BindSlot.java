package org.appealdesk.sms.smpp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.appealdesk.platform.AwaitedAnswer;
import org.appealdesk.platform.SmppReaderThread;
import org.appealdesk.sms.smpp.SubmitOutcome.Accepted;
import org.appealdesk.sms.smpp.SubmitOutcome.NoAnswer;
import org.appealdesk.sms.smpp.SubmitOutcome.NotSent;
import org.appealdesk.sms.smpp.SubmitOutcome.Refused;
import org.appealdesk.sms.smpp.SubmitOutcome.Throttled;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.GenericNackResponseException;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.Command;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.SubmitSmResp;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.jsmpp.util.DefaultComposer;
import org.jsmpp.util.PDUComposer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transceiver bind: the session (replaced when it drops), its window of in-flight submits,
 * its pace, and the submits waiting for their answers. {@link #superviseUntilStopped} runs on its
 * own virtual thread and keeps a session bound, reconnecting with capped, jittered exponential
 * backoff. The sender takes a window permit ({@link #tryAcquireWindow}) and a send turn, then
 * {@link #submit}s and {@link #flush}es; no thread waits for the answer (see
 * {@link SubmittingSession}), and the gateway's sweep calls {@link #expireOverdue}.
 *
 * <p>Hazard: a session can drop between taking a permit and writing. A submit composed for a
 * session that is no longer bound when its bytes are handed over is {@link NotSent} (safe to send
 * again); once handed to the session's write task it may reach the SMSC, so without an answer it
 * is {@link NoAnswer}, never re-sent.
 */
final class BindSlot {

    private static final Logger log = LoggerFactory.getLogger(BindSlot.class);

    /** First reconnect delay; doubled per failed attempt up to reconnectDelayMsMax. */
    static final long RECONNECT_DELAY_MS_MIN = 100;
    /** A session that stayed bound this long was healthy: the next reconnect starts from the minimum delay. */
    static final long SESSION_STABLE_MS = 10_000;
    /** First pause after ESME_RTHROTTLED; doubled per consecutive throttle up to throttleBackoffMsMax. */
    static final long THROTTLE_PAUSE_MS_MIN = 100;
    /** Delay before a message that never left is offered again. */
    static final Duration NOT_SENT_RETRY_DELAY = Duration.ofSeconds(1);
    /** How far ahead of its turn a submit may leave (see {@link #takeSendTurn}). */
    static final long SEND_AHEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final int index;
    private final SmppSettings settings;
    private final MessageReceiverListener listener;
    private final DeferredReplies replies;
    private final SmppMetrics metrics;
    private final Runnable capacityChanged;
    private final SessionWrites writes;
    private final Semaphore window;
    private final long sendIntervalNanos;
    private final PDUComposer composer = new DefaultComposer();
    // Submits sent and not yet answered, in the order sent, for the timeout sweep.
    private final ConcurrentLinkedQueue<InFlightSubmit> waiting = new ConcurrentLinkedQueue<>();
    // Submits composed since the last flush, for one session; guarded by outgoing.
    private final ByteArrayOutputStream outgoing = new ByteArrayOutputStream(4_096);
    private final List<InFlightSubmit> outgoingSubmits = new ArrayList<>();
    private SubmittingSession outgoingSession;
    private volatile SubmittingSession session;
    private volatile boolean stopping;
    private volatile Thread supervisor;

    // Pace, guarded by this.
    private long nextSendNanos;
    private long pausedUntilNanos;
    private int throttleStreak;

    BindSlot(int index, SmppSettings settings, MessageReceiverListener listener, DeferredReplies replies, SessionWrites writes,
             SmppMetrics metrics, Runnable capacityChanged) {
        this.index = index;
        this.replies = replies;
        this.writes = writes;
        this.settings = settings;
        this.listener = listener;
        this.metrics = metrics;
        this.capacityChanged = capacityChanged;
        this.window = new Semaphore(settings.windowSize());
        this.sendIntervalNanos = TimeUnit.SECONDS.toNanos(1) / settings.submitsPerSecondMax();
    }

    boolean isBound() {
        SubmittingSession current = session;
        return current != null && current.getSessionState().isBound();
    }

    /** Free window permits while bound, else 0. */
    int freeWindow() {
        return isBound() ? window.availablePermits() : 0;
    }

    boolean tryAcquireWindow() {
        return isBound() && window.tryAcquire();
    }

    void releaseWindow() {
        window.release();
        capacityChanged.run();
    }

    /** Waits, if need be, until every window permit is back: no submit of this bind is in flight. */
    boolean awaitIdle(long timeoutMs) throws InterruptedException {
        if (!window.tryAcquire(settings.windowSize(), timeoutMs, TimeUnit.MILLISECONDS)) {
            return false;
        }
        window.release(settings.windowSize());
        return true;
    }

    // ---- session supervision -------------------------------------------------------------------

    void superviseUntilStopped() {
        supervisor = Thread.currentThread();
        long delayMs = RECONNECT_DELAY_MS_MIN;
        int failures = 0;
        while (!stopping) {
            SubmittingSession candidate = newSession();
            CountDownLatch closed = new CountDownLatch(1);
            candidate.addSessionStateListener((newState, oldState, source) -> {
                if (newState == SessionState.CLOSED) {
                    closed.countDown();
                }
            });
            try {
                candidate.connectAndBind(settings.host(), settings.port(), bindParameter(), settings.responseTimeoutMs());
                if (settings.receiveConcurrencyPerBind() == 0) {
                    SmppReaderThread.processOnReaderThread(candidate);
                }
            } catch (IOException | RuntimeException e) {
                candidate.close();
                failures++;
                log.warn("Bind {} to {}:{} failed ({} in a row), next attempt in about {} ms: {}",
                        index, settings.host(), settings.port(), failures, delayMs, e.getMessage());
                if (!pause(delayMs)) {
                    break;
                }
                delayMs = Math.min(delayMs * 2, settings.reconnectDelayMsMax());
                continue;
            }
            long boundAtNanos = System.nanoTime();
            session = candidate;
            log.info("Bind {} up: transceiver session {} to {}:{} after {} failed attempts",
                    index, candidate.getSessionId(), settings.host(), settings.port(), failures);
            capacityChanged.run();
            awaitClosedOrStopping(closed);
            session = null;
            capacityChanged.run();
            if (stopping) {
                candidate.unbindAndClose();
                break;
            }
            long livedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - boundAtNanos);
            if (livedMs >= SESSION_STABLE_MS) {
                delayMs = RECONNECT_DELAY_MS_MIN;
                failures = 0;
            }
            log.warn("Bind {} lost: session {} closed after {} ms bound; reconnecting in about {} ms",
                    index, candidate.getSessionId(), livedMs, delayMs);
            if (!pause(delayMs)) {
                break;
            }
            delayMs = Math.min(delayMs * 2, settings.reconnectDelayMsMax());
        }
        log.info("Bind {} supervisor stopped", index);
    }

    /** Unbinds and ends supervision; the supervisor thread exits soon after. */
    void stop() {
        stopping = true;
        SubmittingSession current = session;
        if (current != null) {
            current.unbindAndClose();
        }
        Thread thread = supervisor;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private SubmittingSession newSession() {
        SubmittingSession candidate = new SubmittingSession(new GatewayPduSender(replies), new DefaultPDUReader(), connectionFactory());
        // Both must be set before connecting; jSMPP sizes its PDU executor when the session binds.
        // With 0 the pool has one thread until the bind, and is then replaced by the reader thread.
        candidate.setPduProcessorDegree(Math.max(1, settings.receiveConcurrencyPerBind()));
        candidate.setQueueCapacity(settings.receiveQueuePerBind());
        candidate.setEnquireLinkTimer(settings.enquireLinkMs());
        candidate.setTransactionTimer(settings.responseTimeoutMs());
        candidate.setMessageReceiverListener(listener);
        return candidate;
    }

    private ConnectionFactory connectionFactory() {
        int connectTimeoutMs = settings.responseTimeoutMs();
        return (host, port) -> {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
                return new SocketConnection(socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        };
    }

    private BindParameter bindParameter() {
        return new BindParameter(BindType.BIND_TRX, settings.systemId(), settings.password(), settings.systemType(),
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null);
    }

    private void awaitClosedOrStopping(CountDownLatch closed) {
        while (!stopping) {
            try {
                if (closed.await(1, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                // stop() interrupts; the loop re-checks stopping.
            }
        }
    }

    /** Sleeps about {@code delayMs} (jittered so binds do not reconnect in step); false when stopping. */
    private boolean pause(long delayMs) {
        long jittered = delayMs / 2 + ThreadLocalRandom.current().nextLong(delayMs / 2 + 1);
        try {
            Thread.sleep(jittered);
        } catch (InterruptedException e) {
            return !stopping;
        }
        return !stopping;
    }

    // ---- submitting ----------------------------------------------------------------------------

    /**
     * Takes this bind's next send turn (one submit per 1/submitsPerSecondMax seconds, later while a
     * throttle pause lasts) and returns how long until it comes; 0 means send now. A turn up to
     * {@link #SEND_AHEAD_NANOS} away counts as now, so a burst of that long's worth of submits
     * leaves in one write; the rate over any longer span is unchanged, because each turn still
     * moves the next one on by a whole interval.
     */
    long takeSendTurn() {
        synchronized (this) {
            long now = System.nanoTime();
            long turn = Math.max(now, Math.max(nextSendNanos, pausedUntilNanos));
            nextSendNanos = turn + sendIntervalNanos;
            long waitNanos = turn - now;
            return waitNanos <= SEND_AHEAD_NANOS ? 0 : waitNanos;
        }
    }

    /**
     * Composes one submit into this bind's next write ({@link #flush}); the caller holds a window
     * permit and took its send turn. {@code outcome} receives what became of it exactly once,
     * later, on the thread that learns it (jSMPP's reader, the timeout sweep, or this one when
     * nothing was written), so it must not block. Never throws for network outcomes.
     */
    void submit(SubmitRequest request, Consumer<SubmitOutcome> outcome) {
        long started = System.nanoTime();
        Consumer<SubmitOutcome> timed = result -> {
            metrics.submitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            outcome.accept(result);
        };
        SubmittingSession current = session;
        if (current == null || !current.getSessionState().isBound()) {
            timed.accept(new NotSent("bind " + index + " is down", NOT_SENT_RETRY_DELAY));
            return;
        }
        InFlightSubmit submit = new InFlightSubmit(started + TimeUnit.MILLISECONDS.toNanos(settings.responseTimeoutMs()),
                this::answer, this::invalidAnswer, timed);
        int sequenceNumber = submit.registerWith(current.submits());
        byte[] pdu;
        try {
            pdu = compose(sequenceNumber, request);
        } catch (PDUStringException | RuntimeException e) {
            // Composing failed before anything was written.
            submit.withdraw(new Refused("INVALID_PDU", true));
            return;
        }
        waiting.add(submit);
        try {
            synchronized (outgoing) {
                if (outgoingSession != current) {
                    flushLocked(); // a new session since the last flush: the old one's bytes go first
                    outgoingSession = current;
                }
                outgoing.writeBytes(pdu);
                outgoingSubmits.add(submit);
            }
        } catch (RuntimeException e) {
            // Unexpected; its bytes may or may not be among those written: never sent again.
            log.error("submit on bind {} failed after it was composed", index, e);
            submit.withdraw(new NoAnswer("failed after composing: " + e));
        }
    }

    /** Hands the submits composed since the last flush to their session's write task: one write for all of them. */
    void flush() {
        synchronized (outgoing) {
            flushLocked();
        }
    }

    private void flushLocked() {
        if (outgoing.size() == 0) {
            return;
        }
        SubmittingSession target = outgoingSession;
        byte[] bytes = outgoing.toByteArray();
        outgoing.reset();
        List<InFlightSubmit> submits = List.copyOf(outgoingSubmits);
        outgoingSubmits.clear();
        if (!target.getSessionState().isBound()) {
            // The session went before anything of these was written: certainly not sent.
            for (InFlightSubmit submit : submits) {
                submit.withdraw(new NotSent("bind " + index + " went down before writing", NOT_SENT_RETRY_DELAY));
            }
            return;
        }
        // From here on they may reach the SMSC: an unanswered one ends as NoAnswer at its timeout.
        writes.write(target.stream(), bytes);
    }

    /** Ends, as NoAnswer, the submits whose response timeout has passed; called often by the gateway's sweep. */
    void expireOverdue() {
        AwaitedAnswer.expireOverdue(waiting, submit -> submit.expire(settings.responseTimeoutMs()));
    }

    private byte[] compose(int sequenceNumber, SubmitRequest request) throws PDUStringException {
        if (request.shortMessage().length > SubmitRequest.SHORT_MESSAGE_LENGTH_MAX) {
            // jSMPP's own sender refuses this too; SubmitRequest moves a longer body to message_payload.
            throw new IllegalArgumentException("short_message longer than " + SubmitRequest.SHORT_MESSAGE_LENGTH_MAX + " bytes");
        }
        return composer.submitSm(sequenceNumber, request.serviceType(),
                TypeOfNumber.NATIONAL.value(), NumberingPlanIndicator.ISDN.value(), request.sourceAddr(),
                TypeOfNumber.INTERNATIONAL.value(), NumberingPlanIndicator.ISDN.value(), request.destinationAddr(),
                (byte) 0, (byte) 0, (byte) 0, null, null,
                request.registeredDelivery(), (byte) 0, request.dataCoding(), (byte) 0, request.shortMessage(),
                request.parameters().toArray(OptionalParameter[]::new));
    }

    /** What a submit_sm_resp means; runs on jSMPP's reader. */
    private SubmitOutcome answer(Command response) {
        if (response.getCommandStatus() != SMPPConstant.STAT_ESME_ROK) {
            return refusal(response.getCommandStatus());
        }
        accepted();
        String messageId = response instanceof SubmitSmResp resp ? resp.getMessageId() : null;
        if (messageId == null || messageId.isBlank()) {
            return new NoAnswer("ESME_ROK without a message_id: its receipt could never be matched");
        }
        return new Accepted(messageId);
    }

    /** What an answer other than submit_sm_resp means; runs on jSMPP's reader. */
    private SubmitOutcome invalidAnswer(InvalidResponseException e) {
        if (e instanceof GenericNackResponseException nack) {
            // generic_nack: the SMSC could not read the PDU, so it did not act on it.
            return refusal(nack.getCommandStatus());
        }
        return new NoAnswer("invalid response: " + e.getMessage());
    }

    private SubmitOutcome refusal(int commandStatus) {
        if (commandStatus == SMPPConstant.STAT_ESME_RTHROTTLED || commandStatus == SMPPConstant.STAT_ESME_RMSGQFUL) {
            return new Throttled(commandStatus, throttled());
        }
        return new Refused(SmppSettings.formatCommandStatus(commandStatus), !settings.temporarySubmitErrorCodes().contains(commandStatus));
    }

    /** The SMSC asked us to slow down: pause this bind, longer each time in a row. */
    private synchronized Duration throttled() {
        long pauseMs = Math.min(THROTTLE_PAUSE_MS_MIN << Math.min(throttleStreak, 20), settings.throttleBackoffMsMax());
        throttleStreak++;
        pausedUntilNanos = Math.max(pausedUntilNanos, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs));
        return Duration.ofMillis(pauseMs);
    }

    private synchronized void accepted() {
        throttleStreak = 0;
    }
}
