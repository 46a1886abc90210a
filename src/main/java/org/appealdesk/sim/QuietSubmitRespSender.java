package org.appealdesk.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.util.DefaultComposer;
import org.jsmpp.util.PDUComposer;

/**
 * jSMPP's PDU sender, except for submit_sm_resp. It can swallow the submit_sm_resp of chosen
 * submits: jSMPP's server answers every submit_sm its listener returns from; the "no response"
 * outcome needs the answer never to reach the wire, without blocking one of the session's few PDU
 * threads for the ESME's whole response timeout. The others, acceptances and refusals alike, it
 * hands to the session's {@link CombinedWrites#answer}, which holds them for the reader's next
 * write rather than making a socket write each. One instance per session, because sequence
 * numbers are per session.
 */
final class QuietSubmitRespSender extends DefaultPDUSender {

    /** Silenced sequence numbers are consumed within microseconds; many waiting means a leak. */
    static final int SILENCED_MAX = 10_000;

    private final PDUComposer composer = new DefaultComposer();
    private final Set<Integer> silenced = ConcurrentHashMap.newKeySet();

    /** The submit_sm_resp for {@code sequenceNumber} will not be sent; false when too many are pending. */
    boolean silence(int sequenceNumber) {
        if (silenced.size() >= SILENCED_MAX) {
            return false;
        }
        return silenced.add(sequenceNumber);
    }

    @Override
    public byte[] sendSubmitSmResp(OutputStream os, int sequenceNumber, String messageId, OptionalParameter... optionalParameters)
            throws PDUStringException, IOException {
        if (silenced.remove(sequenceNumber)) {
            return new byte[0];
        }
        if (!(os instanceof CombinedWrites writes)) {
            return super.sendSubmitSmResp(os, sequenceNumber, messageId, optionalParameters);
        }
        byte[] pdu = composer.submitSmResp(sequenceNumber, messageId, optionalParameters);
        writes.answer(pdu);
        return pdu;
    }

    /** jSMPP refuses a submit_sm (throttled, charge refused, malformed) with a bare header. */
    @Override
    public byte[] sendHeader(OutputStream os, int commandId, int commandStatus, int sequenceNumber) throws IOException {
        if (commandId != SMPPConstant.CID_SUBMIT_SM_RESP || !(os instanceof CombinedWrites writes)) {
            return super.sendHeader(os, commandId, commandStatus, sequenceNumber);
        }
        byte[] pdu = composer.composeHeader(commandId, commandStatus, sequenceNumber);
        writes.answer(pdu);
        return pdu;
    }
}
