package org.appealdesk.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.util.DefaultComposer;
import org.jsmpp.util.PDUComposer;

/**
 * An ESME on a bare socket, for tests that need PDUs to reach the simulator together: jSMPP's
 * client writes each PDU on its own, so it cannot send a burst in one write. It writes the bytes
 * it is given in one write each, and reads whole PDUs, however the socket splits them.
 */
final class RawEsme implements AutoCloseable {

    /** One PDU as read: its header, and all its bytes. */
    record Pdu(int commandId, int commandStatus, int sequenceNumber, byte[] bytes) {
    }

    private static final int HEADER_BYTES = 16;
    private static final int CLOSING_SEQUENCE = 0x7FFF_FFFF;
    private static final PDUComposer COMPOSER = new DefaultComposer();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] readBuffer = new byte[65_536];
    // Bytes read and not yet a whole PDU.
    private byte[] partial = new byte[0];
    private boolean ended;

    private RawEsme(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and binds as a transceiver; fails unless the bind is accepted. */
    static RawEsme bind(SimulatedSmsc smsc) throws IOException, PDUStringException {
        RawEsme esme = new RawEsme(new Socket(InetAddress.getLoopbackAddress(), smsc.port()));
        esme.socket.setTcpNoDelay(true);
        esme.write(COMPOSER.bind(SMPPConstant.CID_BIND_TRANSCEIVER, 0, smsc.settings().systemId(), smsc.settings().password(),
                "test", (byte) 0x34, (byte) 0, (byte) 0, null));
        List<Pdu> answer = esme.poll(TestEsme.WAIT);
        if (answer.size() != 1 || answer.getFirst().commandId() != SMPPConstant.CID_BIND_TRANSCEIVER_RESP
                || answer.getFirst().commandStatus() != 0) {
            esme.close();
            throw new IOException("bind not accepted: " + answer);
        }
        return esme;
    }

    /** Writes {@code bytes} in one socket write; safe from several threads. */
    synchronized void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * The whole PDUs that arrive in one socket read, waiting at most {@code wait} for it; empty when
     * nothing came, or only part of a PDU, or the simulator closed the socket ({@link #ended}).
     */
    List<Pdu> poll(Duration wait) throws IOException {
        if (ended) {
            return List.of();
        }
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        int read;
        try {
            read = in.read(readBuffer);
        } catch (SocketTimeoutException e) {
            return List.of();
        }
        if (read < 0) {
            ended = true;
            return List.of();
        }
        byte[] bytes = Arrays.copyOf(partial, partial.length + read);
        System.arraycopy(readBuffer, 0, bytes, partial.length, read);
        List<Pdu> pdus = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.remaining() >= HEADER_BYTES && buffer.remaining() >= buffer.getInt(buffer.position())) {
            byte[] pdu = new byte[buffer.getInt(buffer.position())];
            buffer.get(pdu);
            ByteBuffer header = ByteBuffer.wrap(pdu);
            pdus.add(new Pdu(header.getInt(4), header.getInt(8), header.getInt(12), pdu));
        }
        partial = Arrays.copyOfRange(bytes, buffer.position(), bytes.length);
        return pdus;
    }

    /** Whether the simulator closed the socket. */
    boolean ended() {
        return ended;
    }

    /** A free message (no price signal, no receipt asked for) to {@code donor}. */
    static byte[] freeSubmit(int sequenceNumber, String donor) throws PDUStringException {
        return submit(sequenceNumber, donor, (byte) 0);
    }

    /** A billed submit in the PRICE_TLV profile, receipt requested. */
    static byte[] billedSubmit(int sequenceNumber, String donor, long pence, String requestId) throws PDUStringException {
        return submit(sequenceNumber, donor, (byte) 1,
                TestEsme.text(SimSettings.PRICE_TAG_DEFAULT, Long.toString(pence)), TestEsme.text(SimSettings.REQUEST_ID_TAG_DEFAULT, requestId));
    }

    private static byte[] submit(int sequenceNumber, String donor, byte registeredDelivery, OptionalParameter... tlvs) throws PDUStringException {
        return COMPOSER.submitSm(sequenceNumber, null, (byte) 0, (byte) 0, "70141", (byte) 1, (byte) 1, donor,
                (byte) 0, (byte) 0, (byte) 1, null, null, registeredDelivery, (byte) 0, (byte) 0, (byte) 0,
                "Thank you".getBytes(StandardCharsets.US_ASCII), tlvs);
    }

    static byte[] unbind(int sequenceNumber) {
        return COMPOSER.unbind(sequenceNumber);
    }

    static byte[] unbindResp(int sequenceNumber) {
        return COMPOSER.unbindResp(0, sequenceNumber);
    }

    static byte[] enquireLink(int sequenceNumber) {
        return COMPOSER.enquireLink(sequenceNumber);
    }

    static byte[] deliverSmResp(int sequenceNumber) {
        return COMPOSER.deliverSmResp(0, sequenceNumber, null);
    }

    /** The PDUs one after another, to go in one write. */
    static byte[] together(List<byte[]> pdus) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        pdus.forEach(bytes::writeBytes);
        return bytes.toByteArray();
    }

    /**
     * Unbinds, unless the simulator has closed the socket, then closes it. Why unbind: a socket
     * closed without one races the simulator's own close, whose unbind may then wait out its
     * response timeout.
     */
    @Override
    public void close() throws IOException {
        try {
            if (!ended) {
                write(unbind(CLOSING_SEQUENCE));
                long deadline = System.nanoTime() + TestEsme.WAIT.toNanos();
                while (!ended && System.nanoTime() - deadline < 0
                        && poll(Duration.ofMillis(100)).stream().noneMatch(pdu -> pdu.commandId() == SMPPConstant.CID_UNBIND_RESP)) {
                    // Whatever else arrives meanwhile (receipts) is left unanswered: the session is ending.
                }
            }
        } finally {
            socket.close();
        }
    }
}
