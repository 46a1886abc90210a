package org.appealdesk.sms.smpp;

import java.io.OutputStream;
import org.appealdesk.platform.AwaitedAnswers;
import org.jsmpp.PDUReader;
import org.jsmpp.PDUSender;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.connection.ConnectionFactory;

/**
 * A jSMPP client session whose submits are answered without a waiting thread: jSMPP's reader
 * hands each submit_sm_resp to its {@link InFlightSubmit} through {@link AwaitedAnswers} (see
 * there for why and how), and everything else to jSMPP as before.
 */
final class SubmittingSession extends SMPPSession {

    private final AwaitedAnswers submits = new AwaitedAnswers(sequence());

    SubmittingSession(PDUSender sender, PDUReader reader, ConnectionFactory connectionFactory) {
        super(sender, reader, connectionFactory);
    }

    @Override
    protected PendingResponse<Command> removePendingResponse(int sequenceNumber) {
        return submits.takeOr(sequenceNumber, super::removePendingResponse);
    }

    /** The submits waiting for their answers on this session. */
    AwaitedAnswers submits() {
        return submits;
    }

    /** The socket's stream, for {@link SessionWrites}. */
    OutputStream stream() {
        return connection().getOutputStream();
    }
}
