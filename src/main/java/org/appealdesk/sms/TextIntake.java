package org.appealdesk.sms;

import java.util.concurrent.CompletableFuture;

/**
 * Where adapters hand inbound texts. The future completes only once the text is durably committed
 * (with everything it caused: the donation, its charge request ids, the replies in the outbox), so
 * an adapter acknowledges the network (deliver_sm_resp, HTTP 200) only after it completes. It
 * completes exceptionally when the text could not be recorded; the adapter then refuses the
 * message with a temporary error so the network sends it again.
 */
public interface TextIntake {
    CompletableFuture<IntakeOutcome> submit(InboundText text);

    /** What happened to a committed text, for adapters' metrics and logs (never a phone number). */
    enum IntakeOutcome { RECORDED, DUPLICATE }
}
