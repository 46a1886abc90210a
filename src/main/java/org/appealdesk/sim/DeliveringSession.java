package org.appealdesk.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.appealdesk.platform.AwaitedAnswers;
import org.jsmpp.PDUReader;
import org.jsmpp.PDUSender;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryListener;
import org.jsmpp.session.SessionStateListener;
import org.jsmpp.session.connection.Connection;

/**
 * jSMPP's server session, with deliver_sm sent without a thread waiting for each answer: jSMPP's
 * reader hands each deliver_sm_resp to its {@link AwaitedDelivery} through
 * {@link AwaitedAnswers} (see there for why and how), and everything else to jSMPP as before.
 *
 * <p>Writes combine: a thread that writes while another is writing to this session adds its PDU
 * to that thread's next write and returns, so deliveries made due together leave in one write.
 * A PDU added so is lost if that write fails; its answer then never comes, and the courier sends
 * it again after its response timeout, as for any delivery a broken session swallowed.
 */
final class DeliveringSession extends SMPPServerSession {

    private final AwaitedAnswers deliveries = new AwaitedAnswers(sequence());
    // PDUs waiting for the writing thread's next write; guarded by itself.
    private final ByteArrayOutputStream unwritten = new ByteArrayOutputStream(4_096);
    private boolean writing;

    DeliveringSession(Connection connection, SessionStateListener stateListener, ServerMessageReceiverListener receiver,
                      ServerResponseDeliveryListener deliveryListener, int pduProcessorDegree, int queueCapacity,
                      PDUSender sender, PDUReader reader) {
        super(connection, stateListener, receiver, deliveryListener, pduProcessorDegree, queueCapacity, sender, reader);
    }

    @Override
    protected PendingResponse<Command> removePendingResponse(int sequenceNumber) {
        return deliveries.takeOr(sequenceNumber, super::removePendingResponse);
    }

    /** The deliveries waiting for their answers on this session. */
    AwaitedAnswers deliveries() {
        return deliveries;
    }

    /**
     * Writes one whole PDU, or hands it to the thread writing to this session now (see above).
     *
     * @throws IOException when this thread's write failed (the PDUs it carried are lost)
     */
    void write(byte[] pdu) throws IOException {
        synchronized (unwritten) {
            unwritten.writeBytes(pdu);
            if (writing) {
                return;
            }
            writing = true;
        }
        try {
            while (true) {
                byte[] chunk;
                synchronized (unwritten) {
                    if (unwritten.size() == 0) {
                        writing = false;
                        return;
                    }
                    chunk = unwritten.toByteArray();
                    unwritten.reset();
                }
                OutputStream out = connection().getOutputStream();
                // jSMPP's SynchronizedPDUSender writes under the same monitor: PDUs never interleave.
                synchronized (out) {
                    out.write(chunk);
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (unwritten) {
                unwritten.reset();
                writing = false;
            }
            throw e;
        }
    }
}
