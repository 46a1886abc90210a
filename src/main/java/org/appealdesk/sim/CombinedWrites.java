package org.appealdesk.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A session's socket output, where every PDU the simulator sends on that session goes (jSMPP's
 * own through the {@link OutputStream} methods, deliveries through {@link #send}, submit_sm_resp
 * through {@link #answer}), combined into as few socket writes as it can. Why: each write is a
 * system call here and a wake-up and read of the ESME's reader there; one a PDU was a large share
 * of the simulator's CPU under load.
 *
 * <p>How PDUs combine:
 * <ul>
 * <li>A delivery written while another thread is writing to the session is added to that thread's
 *     next write ({@link #send}), so deliveries made due together leave in one write.</li>
 * <li>A thread that makes several deliveries due at once (a traffic run's texts due in the same
 *     millisecond, a timer's receipts) holds them all ({@link #hold}) and then writes them in one
 *     write ({@link #sendHeld}).</li>
 * <li>A submit_sm_resp (acceptance or refusal) made on the session's reader thread is held
 *     ({@link #answer}) until the reader is about to read the socket again ({@link #beforeRead},
 *     called by {@link CombiningConnection} when jSMPP's input buffer is exhausted): a burst of
 *     submits read in one read is answered in one write. The reader never blocks with answers held, so an answer waits at most for the
 *     processing of PDUs already read. Elsewhere (jSMPP's PDU threads, when the session does not
 *     process on its reader: {@code SmppReaderThread}) nothing would release it soon, so it is
 *     sent at once.</li>
 * <li>jSMPP's other writes (bind_resp, enquire_link, enquire_link_resp, unbind, unbind_resp,
 *     generic_nack, refusals of other requests) take everything held or handed over with them, in
 *     one write, at once: so answers held when the ESME unbinds reach it before the unbind_resp,
 *     and those held when the simulator unbinds go with its unbind.</li>
 * </ul>
 *
 * <p>Order: bytes are taken from {@link #unwritten} and written under this stream's monitor, the
 * lock jSMPP's {@code SynchronizedPDUSender} takes around its writes, so PDUs never interleave
 * and leave in the order they were added (an answer never trails an unbind_resp made after it).
 * {@link #unwritten} itself is never held across a write, so handing a PDU over never waits.
 *
 * <p>Failure: the bytes of a failed write are lost, whoever added them. A delivery lost so is
 * never answered, and the courier sends it again after its response timeout, as for any delivery
 * a broken session swallowed. An answer lost so must not pass unnoticed: the reader fails at its
 * next read, so jSMPP closes the session as it does when writing an answer fails.
 */
final class CombinedWrites extends OutputStream {

    private static final byte[] NOTHING = new byte[0];

    private final OutputStream socket;
    // PDUs waiting for the next write; guarded by itself, never held across a write.
    private final ByteArrayOutputStream unwritten = new ByteArrayOutputStream(4_096);
    // A thread is in send's loop and will write what is added; guarded by unwritten.
    private boolean writing;
    // The thread reading this session's socket, as of its latest read.
    private volatile Thread reader;
    // The first write that failed (any that fails first may set it: which one is kept does not matter).
    private volatile IOException failure;
    // Socket writes made; guarded by this stream's monitor. For tests.
    private long socketWrites;

    CombinedWrites(OutputStream socket) {
        this.socket = socket;
    }

    /**
     * Writes one whole PDU with whatever is waiting, or hands it to the thread writing to this
     * session now, which writes it next and returns.
     *
     * @throws IOException when this thread's write failed (the PDUs it carried are lost)
     */
    void send(byte[] pdu) throws IOException {
        synchronized (unwritten) {
            unwritten.writeBytes(pdu);
            if (writing || unwritten.size() == 0) {
                return;
            }
            writing = true;
        }
        try {
            while (true) {
                synchronized (this) {
                    byte[] chunk;
                    synchronized (unwritten) {
                        if (unwritten.size() == 0) {
                            writing = false;
                            return;
                        }
                        chunk = takeUnwritten();
                    }
                    writeToSocket(chunk);
                }
            }
        } catch (Throwable e) {
            // Errors too: a writing flag left set would make every later PDU wait for a writer
            // that is gone. What it carried is dropped, so the reader must fail as after an I/O error.
            synchronized (unwritten) {
                unwritten.reset();
                writing = false;
            }
            if (failure == null) {
                failure = e instanceof IOException io ? io : new IOException("a write to this session failed", e);
            }
            throw e;
        }
    }

    /**
     * Adds one whole PDU to the next write without writing it: the caller writes what it holds
     * with {@link #sendHeld} once it has added all it has now (the deliveries a traffic run or a
     * timer makes due together), so they leave in one write instead of one each.
     */
    void hold(byte[] pdu) {
        synchronized (unwritten) {
            unwritten.writeBytes(pdu);
        }
    }

    /** Writes what is held, or leaves it to the thread writing to this session now, as {@link #send} does. */
    void sendHeld() throws IOException {
        send(NOTHING);
    }

    /**
     * One whole answer to a PDU just read: held for the reader's next write when this is the
     * reader thread, sent at once otherwise (see the class comment).
     */
    void answer(byte[] pdu) throws IOException {
        if (!heldBy(Thread.currentThread())) {
            send(pdu);
            return;
        }
        hold(pdu);
    }

    /** Whether {@code thread} is the session's reader, whose answers wait for its next read. */
    boolean heldBy(Thread thread) {
        return thread == reader;
    }

    /**
     * Called by the reader thread just before it reads the socket: writes the answers it holds, or
     * leaves them to the thread writing now, which writes them next. Either way they do not wait
     * for the ESME's next PDU, nor for the read's timeout (the enquire-link timer).
     *
     * @throws IOException when an earlier write failed (its answers are lost) or this write fails
     */
    void beforeRead() throws IOException {
        reader = Thread.currentThread();
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("an earlier write to this session failed", failed);
        }
        send(NOTHING);
    }

    /**
     * Writes everything waiting now, on this thread, before it returns: for the reader before it
     * wakes a thread that may close the socket (an unbind's sender), since a close does not wait
     * for what the reader holds.
     */
    void writeNow() throws IOException {
        write(NOTHING, 0, 0);
    }

    /** jSMPP's writes: this PDU with everything waiting, in one socket write, now. */
    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        byte[] chunk;
        synchronized (unwritten) {
            unwritten.write(bytes, offset, length);
            chunk = takeUnwritten();
        }
        writeToSocket(chunk);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Every write above reaches the socket before it returns: nothing to flush. */
    @Override
    public void flush() {
    }

    /** Socket writes made on this session so far; for tests. */
    synchronized long socketWrites() {
        return socketWrites;
    }

    private byte[] takeUnwritten() {
        byte[] chunk = unwritten.toByteArray();
        unwritten.reset();
        return chunk;
    }

    /** The caller holds this stream's monitor. */
    private void writeToSocket(byte[] chunk) throws IOException {
        if (chunk.length == 0) {
            return;
        }
        try {
            socket.write(chunk);
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
            throw e;
        }
        socketWrites++;
    }
}
