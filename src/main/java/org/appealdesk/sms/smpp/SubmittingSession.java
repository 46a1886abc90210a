package org.appealdesk.sms.smpp;

import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jsmpp.PDUReader;
import org.jsmpp.PDUSender;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.connection.ConnectionFactory;

/**
 * A jSMPP client session whose submits are answered without a waiting thread.
 *
 * <p>Why: jSMPP's {@code submitShortMessage} writes one PDU and parks the calling thread on a
 * timed condition until the reader signals the answer. Per submit that was a virtual thread, a
 * socket write, a timed park (the JDK's delay scheduler) and a wake-up from the reader, on a path
 * taken twice a gift (BENCHMARKS.md, "Submits without a thread each").
 *
 * <p>How: jSMPP's reader finds the waiter of every response through
 * {@link #removePendingResponse}, a protected hook of its session. This session answers that call
 * from its own map first, with an {@link InFlightSubmit} whose {@code done} hands the outcome on.
 * The sequence number comes from jSMPP's own counter, so it never collides with jSMPP's requests
 * (enquire_link, unbind), which still wait in jSMPP's map. Whoever removes a submit from the map
 * (the reader with its answer, or the bind's timeout sweep) ends it, so each ends exactly once.
 * If jSMPP stopped calling the hook, every submit would end as NoAnswer at its timeout, never as
 * a wrong answer; {@code SmppGatewayTest} fails first.
 */
final class SubmittingSession extends SMPPSession {

    private final Map<Integer, InFlightSubmit> inFlight = new ConcurrentHashMap<>();

    SubmittingSession(PDUSender sender, PDUReader reader, ConnectionFactory connectionFactory) {
        super(sender, reader, connectionFactory);
    }

    @Override
    protected PendingResponse<Command> removePendingResponse(int sequenceNumber) {
        InFlightSubmit submit = inFlight.remove(sequenceNumber);
        return submit != null ? submit : super.removePendingResponse(sequenceNumber);
    }

    /** Takes the next sequence number for {@code submit} and waits for its answer under it; write the PDU after this. */
    int register(InFlightSubmit submit) {
        int sequenceNumber = sequence().nextValue();
        inFlight.put(sequenceNumber, submit);
        return sequenceNumber;
    }

    /** Stops waiting for {@code submit}'s answer; false when the answer (or another caller) took it first. */
    boolean forget(int sequenceNumber, InFlightSubmit submit) {
        return inFlight.remove(sequenceNumber, submit);
    }

    /** Submits waiting for an answer on this session. */
    int inFlight() {
        return inFlight.size();
    }

    /** The socket's stream, for {@link SessionWrites}. */
    OutputStream stream() {
        return connection().getOutputStream();
    }
}
