package org.appealdesk.platform;

import java.lang.reflect.Field;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jsmpp.session.AbstractSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a bound jSMPP session process each received PDU on its reader thread, instead of handing it
 * to jSMPP's per-session thread pool.
 *
 * <p>Why: jSMPP's reader thread reads a PDU and queues it for a pool thread, which wakes, processes
 * it and parks again. That park and wake per PDU, on both ends of every bind, was the largest cost
 * in the JVM's profile at 5,000 texts/s (futex and context switches, 64% of its samples; BENCHMARKS.md
 * "Processing received PDUs on the reader thread"). Our handlers on both sides never block: a
 * deliver_sm's answer waits for its commit elsewhere ({@code DeferredReplies}), and the simulator
 * answers submits from memory. So the hand-off buys nothing.
 *
 * <p>How: jSMPP 3.0 offers no setting for it; the reader's executor is a private field. This class
 * swaps it for one that runs each task on the calling thread (the reader). The old pool is not shut
 * down, only allowed to let its idle threads go, so a reader that has not yet seen the new field
 * (a plain write, seen at the reader's next blocking read in practice) keeps working. The few PDUs
 * the old pool still holds at the swap may be processed beside later ones, as with any pool of more
 * than one thread. If jSMPP's fields ever change, {@link #processOnReaderThread} says so in the log,
 * returns false and the session keeps jSMPP's pool, of the size its caller set before the bind
 * (one thread in this project): slower, never wrong. {@code SmppReaderThreadTest} fails first, on
 * the version upgrade.
 *
 * <p>Hazard: anything a handler waits for now stops its session's reading, responses included.
 * That includes the socket: jSMPP writes the answers it sends itself (submit_sm_resp,
 * enquire_link_resp, refusals) from the thread that processed the request, now the reader, so a
 * peer that stops reading stops ours too (SMPP's windows keep that from becoming a two-way stall).
 * A handler that waited for a response on its own session would wait until jSMPP's response
 * timeout, every time. Neither side's handlers do.
 */
public final class SmppReaderThread {

    private static final Logger log = LoggerFactory.getLogger(SmppReaderThread.class);

    private SmppReaderThread() {
    }

    /**
     * Swaps the session's PDU executor for one on the reader thread. Call it once the session is
     * bound (jSMPP resizes its pool at the bind, and creates the reader when it connects).
     *
     * @return whether the swap was made
     */
    public static boolean processOnReaderThread(AbstractSession session) {
        try {
            Object reader = field(session.getClass(), "pduReaderWorker").get(session);
            if (reader == null) {
                log.warn("session {} has no PDU reader yet; it keeps jSMPP's PDU threads", session.getSessionId());
                return false;
            }
            Field executorField = field(reader.getClass(), "pduExecutor");
            ThreadPoolExecutor pool = (ThreadPoolExecutor) executorField.get(reader);
            if (pool instanceof OnCallingThread) {
                return true;
            }
            executorField.set(reader, new OnCallingThread());
            pool.setKeepAliveTime(1, TimeUnit.SECONDS);
            pool.allowCoreThreadTimeOut(true);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("jSMPP's PDU executor could not be replaced ({}); session {} keeps its PDU threads", e, session.getSessionId());
            return false;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
            for (Field field : candidate.getDeclaredFields()) {
                if (field.getName().equals(name)) {
                    field.setAccessible(true);
                    return field;
                }
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /**
     * An executor that runs each task where it is submitted. It extends ThreadPoolExecutor because
     * that is the field's type (and jSMPP resizes it at bind and reads its active count).
     */
    static final class OnCallingThread extends ThreadPoolExecutor {

        OnCallingThread() {
            super(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // On a pool thread this would end that thread and no more; on the reader it would
                // close the session (jSMPP's reader closes on any RuntimeException). Keep the pool's
                // behaviour: report it and read on.
                log.error("processing a received PDU failed", e);
            }
        }
    }
}
