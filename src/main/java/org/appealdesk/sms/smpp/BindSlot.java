package org.appealdesk.sms.smpp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.appealdesk.platform.SmppReaderThread;
import org.appealdesk.sms.smpp.SubmitOutcome.Accepted;
import org.appealdesk.sms.smpp.SubmitOutcome.NoAnswer;
import org.appealdesk.sms.smpp.SubmitOutcome.NotSent;
import org.appealdesk.sms.smpp.SubmitOutcome.Refused;
import org.appealdesk.sms.smpp.SubmitOutcome.Throttled;
import org.jsmpp.DefaultPDUReader;
import org.jsmpp.GenericNackResponseException;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transceiver bind: the session (replaced when it drops), its window of in-flight submits and
 * its pace. {@link #superviseUntilStopped} runs on its own virtual thread and keeps a session bound,
 * reconnecting with capped, jittered exponential backoff; {@link #submit} runs on the sender's
 * virtual thread after it took a window permit with {@link #tryAcquireWindow}.
 *
 * <p>Hazard: a session can drop between taking a permit and writing. jSMPP then throws before
 * writing (the message is {@link NotSent} and safe to send again) or while writing (it may have
 * reached the SMSC: {@link NoAnswer}, never re-sent); {@link GatewayPduSender} tells the two
 * apart.
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

    final int index;
    private final SmppSettings settings;
    private final MessageReceiverListener listener;
    private final DeferredReplies replies;
    private final SmppMetrics metrics;
    private final Runnable capacityChanged;
    private final Semaphore window;
    private final long sendIntervalNanos;
    private volatile SMPPSession session;
    private volatile boolean stopping;
    private volatile Thread supervisor;

    // Pace, guarded by this.
    private long nextSendNanos;
    private long pausedUntilNanos;
    private int throttleStreak;

    BindSlot(int index, SmppSettings settings, MessageReceiverListener listener, DeferredReplies replies, SmppMetrics metrics,
             Runnable capacityChanged) {
        this.index = index;
        this.replies = replies;
        this.settings = settings;
        this.listener = listener;
        this.metrics = metrics;
        this.capacityChanged = capacityChanged;
        this.window = new Semaphore(settings.windowSize());
        this.sendIntervalNanos = TimeUnit.SECONDS.toNanos(1) / settings.submitsPerSecondMax();
    }

    boolean isBound() {
        SMPPSession current = session;
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
            SMPPSession candidate = newSession();
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
        SMPPSession current = session;
        if (current != null) {
            current.unbindAndClose();
        }
        Thread thread = supervisor;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private SMPPSession newSession() {
        SMPPSession candidate = new SMPPSession(new GatewayPduSender(replies), new DefaultPDUReader(), connectionFactory());
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

    /** Sends one message on this bind; the caller holds a window permit. Never throws for network outcomes. */
    SubmitOutcome submit(SubmitRequest request) {
        if (!awaitSendTurn()) {
            return new NotSent("interrupted before sending", NOT_SENT_RETRY_DELAY);
        }
        SMPPSession current = session;
        if (current == null || !current.getSessionState().isBound()) {
            return new NotSent("bind " + index + " is down", NOT_SENT_RETRY_DELAY);
        }
        GatewayPduSender.reset();
        long started = System.nanoTime();
        try {
            SubmitSmResult result = current.submitShortMessage(
                    request.serviceType(),
                    TypeOfNumber.NATIONAL, NumberingPlanIndicator.ISDN, request.sourceAddr(),
                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, request.destinationAddr(),
                    new ESMClass(), (byte) 0, (byte) 0, null, null,
                    new RegisteredDelivery(request.registeredDelivery()), (byte) 0,
                    new RawDataCoding(request.dataCoding()), (byte) 0, request.shortMessage(),
                    request.parameters().toArray(OptionalParameter[]::new));
            accepted();
            String messageId = result.getMessageId();
            if (messageId == null || messageId.isBlank()) {
                return new NoAnswer("ESME_ROK without a message_id: its receipt could never be matched");
            }
            return new Accepted(messageId);
        } catch (NegativeResponseException e) {
            return refusal(e.getCommandStatus());
        } catch (GenericNackResponseException e) {
            // generic_nack: the SMSC could not read the PDU, so it did not act on it.
            return refusal(e.getCommandStatus());
        } catch (InvalidResponseException e) {
            return new NoAnswer("invalid response: " + e.getMessage());
        } catch (ResponseTimeoutException e) {
            return new NoAnswer("no submit_sm_resp within responseTimeoutMs " + settings.responseTimeoutMs() + " ms");
        } catch (PDUException e) {
            // Composing failed before anything was written.
            return new Refused("INVALID_PDU", true);
        } catch (IOException e) {
            return GatewayPduSender.writeStarted()
                    ? new NoAnswer("connection failed while writing: " + e.getMessage())
                    : new NotSent("bind " + index + " not bound: " + e.getMessage(), NOT_SENT_RETRY_DELAY);
        } finally {
            GatewayPduSender.reset();
            metrics.submitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private SubmitOutcome refusal(int commandStatus) {
        if (commandStatus == SMPPConstant.STAT_ESME_RTHROTTLED || commandStatus == SMPPConstant.STAT_ESME_RMSGQFUL) {
            return new Throttled(commandStatus, throttled());
        }
        return new Refused(SmppSettings.formatCommandStatus(commandStatus), !settings.temporarySubmitErrorCodes().contains(commandStatus));
    }

    /**
     * Waits for this bind's next send time: one submit per 1/submitsPerSecondMax seconds, later
     * while a throttle pause lasts. The wait is at most a window's worth of intervals plus the pause.
     */
    private boolean awaitSendTurn() {
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            long turn = Math.max(now, Math.max(nextSendNanos, pausedUntilNanos));
            nextSendNanos = turn + sendIntervalNanos;
            waitNanos = turn - now;
        }
        if (waitNanos <= 0) {
            return true;
        }
        try {
            Thread.sleep(Duration.ofNanos(waitNanos));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
