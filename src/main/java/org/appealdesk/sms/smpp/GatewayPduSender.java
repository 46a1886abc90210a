package org.appealdesk.sms.smpp;

import java.io.IOException;
import java.io.OutputStream;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.util.DefaultComposer;

/**
 * jSMPP's own sender with two additions. It hands deliver_sm_resp to {@link DeferredReplies}, which
 * answers when the core has committed (see there). And it notes, for the calling thread, that a
 * submit_sm reached the socket write. jSMPP throws the same IOException when the session was not bound (nothing sent:
 * safe to send again) and when the write itself failed (some bytes may have reached the SMSC: the
 * charge is UNKNOWN); this flag tells the two apart. jSMPP writes on the thread that calls
 * {@code submitShortMessage}, so a thread-local is exact.
 */
final class GatewayPduSender extends SynchronizedPDUSender {

    private static final ThreadLocal<Boolean> WRITE_STARTED = new ThreadLocal<>();

    private final DeferredReplies replies;

    GatewayPduSender(DeferredReplies replies) {
        super(new DefaultPDUSender(new DefaultComposer()));
        this.replies = java.util.Objects.requireNonNull(replies, "replies");
    }

    /** Forgets any earlier submit on this thread; call before each submit. */
    static void reset() {
        WRITE_STARTED.remove();
    }

    /** Whether the last submit on this thread got as far as composing and writing its PDU. */
    static boolean writeStarted() {
        return Boolean.TRUE.equals(WRITE_STARTED.get());
    }

    @Override
    public byte[] sendDeliverSmResp(OutputStream os, int commandStatus, int sequenceNumber, String messageId) throws IOException {
        if (replies.takeOver(os, commandStatus, sequenceNumber)) {
            return new byte[0]; // written later, once the commit is known
        }
        return super.sendDeliverSmResp(os, commandStatus, sequenceNumber, messageId);
    }

    @Override
    public byte[] sendSubmitSm(OutputStream os, int sequenceNumber, String serviceType, TypeOfNumber sourceAddrTon,
                               NumberingPlanIndicator sourceAddrNpi, String sourceAddr, TypeOfNumber destAddrTon,
                               NumberingPlanIndicator destAddrNpi, String destinationAddr, ESMClass esmClass, byte protocolId,
                               byte priorityFlag, String scheduleDeliveryTime, String validityPeriod,
                               RegisteredDelivery registeredDelivery, byte replaceIfPresent, DataCoding dataCoding,
                               byte smDefaultMsgId, byte[] shortMessage, OptionalParameter... optionalParameters)
            throws PDUStringException, IOException {
        // Set before composing: a compose failure is a PDUStringException, told apart by its type.
        WRITE_STARTED.set(Boolean.TRUE);
        return super.sendSubmitSm(os, sequenceNumber, serviceType, sourceAddrTon, sourceAddrNpi, sourceAddr, destAddrTon,
                destAddrNpi, destinationAddr, esmClass, protocolId, priorityFlag, scheduleDeliveryTime, validityPeriod,
                registeredDelivery, replaceIfPresent, dataCoding, smDefaultMsgId, shortMessage, optionalParameters);
    }
}
