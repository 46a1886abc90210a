package org.appealdesk.sms.smpp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes for a session's socket, written by that session's one write task: what callers hand over
 * while the task writes is appended and goes out in its next write. So PDUs that leave together
 * (the answers one commit releases, the submits of one dispatch) cost one write and one wake-up of
 * the peer's reader, not one each, and a session whose peer stops reading holds one thread and its
 * own bytes, never the caller or the other sessions.
 *
 * <p>Writes go under the stream's monitor, the lock jSMPP's {@code SynchronizedPDUSender} takes,
 * so they never interleave with the PDUs jSMPP writes itself (enquire_link, unbind, refusals).
 * Hazard: while a peer that stopped reading holds a write here, jSMPP's own writes on that
 * session (from its reader, or an unbind) wait for the same monitor; the peer's windows bound
 * what can pile up, and the SMSC's own timeouts end such a session.
 * A failed write drops that session's pending bytes: the session is gone, and each kind of PDU
 * written here has its own way out (the SMSC delivers unanswered texts again; an unanswered
 * submit becomes NoAnswer when its response timeout passes). Thread-safe.
 */
final class SessionWrites {

    private static final Logger log = LoggerFactory.getLogger(SessionWrites.class);

    // Bytes waiting per session while that session's one write task runs; no entry = no task.
    private final Map<OutputStream, ByteArrayOutputStream> pendingBySession = new IdentityHashMap<>();
    // Socket writes made, every session together: for the bench's PDUs-per-write figures.
    private final LongAdder socketWrites = new LongAdder();
    private final ExecutorService sessionWriters = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("smpp-write-", 0).daemon().factory());

    /** Hands {@code bytes} (whole PDUs) to {@code stream}'s write task, starting one if none runs; returns at once. */
    void write(OutputStream stream, byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        synchronized (pendingBySession) {
            ByteArrayOutputStream pending = pendingBySession.get(stream);
            if (pending != null) {
                pending.writeBytes(bytes); // that session's task is running and takes these next
                return;
            }
            ByteArrayOutputStream first = new ByteArrayOutputStream(Math.max(256, bytes.length * 4));
            first.writeBytes(bytes);
            pendingBySession.put(stream, first);
        }
        sessionWriters.execute(() -> drain(stream));
    }

    /** Socket writes made so far, on every session. */
    long socketWrites() {
        return socketWrites.sum();
    }

    /** Whether {@code stream}'s write task is running (it has bytes, or is writing them); for tests. */
    boolean writing(OutputStream stream) {
        synchronized (pendingBySession) {
            return pendingBySession.containsKey(stream);
        }
    }

    /** The session's one write task: writes what is pending until nothing is. */
    private void drain(OutputStream stream) {
        while (true) {
            byte[] chunk;
            synchronized (pendingBySession) {
                ByteArrayOutputStream pending = pendingBySession.get(stream);
                if (pending.size() == 0) {
                    pendingBySession.remove(stream);
                    return;
                }
                chunk = pending.toByteArray();
                pending.reset();
            }
            try {
                synchronized (stream) {
                    stream.write(chunk);
                    stream.flush();
                }
                socketWrites.increment();
            } catch (IOException e) {
                synchronized (pendingBySession) {
                    pendingBySession.remove(stream);
                }
                log.debug("{} bytes not written to a closed session: {}", chunk.length, e.toString());
                return;
            }
        }
    }
}
