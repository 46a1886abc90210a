package org.appealdesk.sim;

import java.io.IOException;
import org.appealdesk.platform.AwaitedAnswers;
import org.jsmpp.PDUReader;
import org.jsmpp.PDUSender;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryListener;
import org.jsmpp.session.SessionStateListener;

/**
 * jSMPP's server session, with deliver_sm sent without a thread waiting for each answer: jSMPP's
 * reader hands each deliver_sm_resp to its {@link AwaitedDelivery} through
 * {@link AwaitedAnswers} (see there for why and how), and everything else to jSMPP as before.
 * Its writes combine in its connection's {@link CombinedWrites} (see there).
 */
final class DeliveringSession extends SMPPServerSession {

    private final AwaitedAnswers deliveries = new AwaitedAnswers(sequence());
    private final CombinedWrites writes;

    DeliveringSession(CombiningConnection connection, SessionStateListener stateListener, ServerMessageReceiverListener receiver,
                      ServerResponseDeliveryListener deliveryListener, int pduProcessorDegree, int queueCapacity,
                      PDUSender sender, PDUReader reader) {
        super(connection, stateListener, receiver, deliveryListener, pduProcessorDegree, queueCapacity, sender, reader);
        this.writes = connection.writes();
    }

    @Override
    protected PendingResponse<Command> removePendingResponse(int sequenceNumber) {
        return deliveries.takeOr(sequenceNumber, this::jsmppsPendingResponse);
    }

    /**
     * A response to one of jSMPP's own requests (unbind, enquire_link) wakes the thread that sent it,
     * which may close the socket at once (an unbind's sender does): so the answers the reader holds
     * are written first, as they were when the reader wrote each one.
     */
    private PendingResponse<Command> jsmppsPendingResponse(int sequenceNumber) {
        try {
            writes.writeNow();
        } catch (IOException e) {
            // The response is still handed on; the reader's next read fails on this (CombinedWrites)
            // and jSMPP closes the session, as after any failed write of an answer.
        }
        return super.removePendingResponse(sequenceNumber);
    }

    /** The deliveries waiting for their answers on this session. */
    AwaitedAnswers deliveries() {
        return deliveries;
    }

    /**
     * Writes one whole PDU, or hands it to the thread writing to this session now ({@link CombinedWrites#send}).
     *
     * @throws IOException when this thread's write failed (the PDUs it carried are lost)
     */
    void write(byte[] pdu) throws IOException {
        writes.send(pdu);
    }

    /** Adds one whole PDU to this session's next write; {@link #sendHeld} writes it ({@link CombinedWrites#hold}). */
    void hold(byte[] pdu) {
        writes.hold(pdu);
    }

    /**
     * Writes what is held, or hands it to the thread writing to this session now.
     *
     * @throws IOException when this thread's write failed (the PDUs it carried are lost)
     */
    void sendHeld() throws IOException {
        writes.sendHeld();
    }

    /** Socket writes made on this session so far; for tests. */
    long socketWrites() {
        return writes.socketWrites();
    }
}
