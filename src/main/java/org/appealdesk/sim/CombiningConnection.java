package org.appealdesk.sim;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.util.StrictBufferedInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jSMPP's {@code SocketConnection} (the same 64 KB input buffer), with the session's output going
 * through {@link CombinedWrites} and its input telling that output when the reader is about to read
 * the socket. Why: jSMPP's reader reads PDUs from the buffer, so it reads the socket only when the
 * buffer is exhausted (or a PDU is split across reads), which is just when it may block; that is
 * the moment to write the answers it made for the PDUs it has read, all in one write. jSMPP offers
 * no other hook there.
 */
final class CombiningConnection implements Connection {

    private static final Logger LOG = LoggerFactory.getLogger(CombiningConnection.class);
    /** As jSMPP's SocketConnection. */
    static final int INPUT_BUFFER_BYTES = 65_536;

    private final Socket socket;
    private final InputStream in;
    private final CombinedWrites out;

    CombiningConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new CombinedWrites(socket.getOutputStream());
        this.in = new StrictBufferedInputStream(new WritingBeforeReads(socket.getInputStream(), out), INPUT_BUFFER_BYTES);
    }

    CombinedWrites writes() {
        return out;
    }

    @Override
    public void setSoTimeout(int timeout) throws IOException {
        socket.setSoTimeout(timeout);
    }

    /**
     * Closes the socket; on the reader thread, first writes what it holds (jSMPP closes there after
     * an unbind or an error). A close from another thread does not wait for the write lock: a close
     * is what frees a writer stuck on an ESME that stopped reading. The answers the reader holds
     * go out with the simulator's unbind, and before an unbind_resp wakes the unbinder
     * ({@code DeliveringSession#removePendingResponse}), so only a close without an unbind (a
     * timeout, a failure) can cut off answers the reader holds, as it cuts off the PDUs it has
     * not yet processed.
     */
    @Override
    public void close() {
        try {
            if (out.heldBy(Thread.currentThread())) {
                out.writeNow();
            }
        } catch (IOException e) {
            LOG.debug("answers not written before closing: {}", e.toString());
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warn("closing a session's socket failed", e);
        }
    }

    @Override
    public boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public CombinedWrites getOutputStream() {
        return out;
    }

    @Override
    public InetAddress getInetAddress() {
        return socket.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public int getPort() {
        return socket.getPort();
    }

    @Override
    public int getLocalPort() {
        return socket.getLocalPort();
    }

    /** The socket's input under jSMPP's buffer: each read of the socket is announced to the output first. */
    private static final class WritingBeforeReads extends FilterInputStream {

        private final CombinedWrites out;

        WritingBeforeReads(InputStream socket, CombinedWrites out) {
            super(socket);
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            out.beforeRead();
            return super.read();
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            out.beforeRead();
            return super.read(bytes, offset, length);
        }
    }
}
