package org.appealdesk.sms.smpp;

import java.io.IOException;
import java.io.OutputStream;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.util.DefaultComposer;

/**
 * jSMPP's own sender, except that it hands deliver_sm_resp to {@link DeferredReplies}, which answers
 * when the core has committed (see there). Submits do not go through it: {@link BindSlot} composes
 * them and {@link SessionWrites} writes them.
 */
final class GatewayPduSender extends SynchronizedPDUSender {

    private final DeferredReplies replies;

    GatewayPduSender(DeferredReplies replies) {
        super(new DefaultPDUSender(new DefaultComposer()));
        this.replies = java.util.Objects.requireNonNull(replies, "replies");
    }

    @Override
    public byte[] sendDeliverSmResp(OutputStream os, int commandStatus, int sequenceNumber, String messageId) throws IOException {
        if (replies.takeOver(os, commandStatus, sequenceNumber)) {
            return new byte[0]; // written later, once the commit is known
        }
        return super.sendDeliverSmResp(os, commandStatus, sequenceNumber, messageId);
    }
}
