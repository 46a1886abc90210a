package org.appealdesk.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.bean.OptionalParameter;

/**
 * jSMPP's PDU sender, except that it can swallow the submit_sm_resp of chosen submits. jSMPP's
 * server answers every submit_sm its listener returns from; the "no response" outcome needs the
 * answer never to reach the wire, without blocking one of the session's few PDU threads for the
 * ESME's whole response timeout. One instance per session, because sequence numbers are per session.
 */
final class QuietSubmitRespSender extends DefaultPDUSender {

    /** Silenced sequence numbers are consumed within microseconds; many waiting means a leak. */
    static final int SILENCED_MAX = 10_000;

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
        return super.sendSubmitSmResp(os, sequenceNumber, messageId, optionalParameters);
    }
}
