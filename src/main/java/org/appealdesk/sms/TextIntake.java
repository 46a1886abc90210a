package org.appealdesk.sms;

import java.util.concurrent.CompletableFuture;

/**
 * Where adapters hand inbound texts. The future completes only once the text is durably committed
 * (recorded, with the promise to act on it kept in the same transaction: its donation, charge
 * request ids and replies are written right behind it, and after a crash on restart), so an
 * adapter acknowledges the network (deliver_sm_resp, HTTP 200) only after it completes. It
 * completes exceptionally when the text could not be recorded, or the platform has too many texts
 * still to act on; the adapter then refuses the message with a temporary error so the network
 * sends it again.
 */
public interface TextIntake {
    CompletableFuture<IntakeOutcome> submit(InboundText text);

    /** What happened to a committed text, for adapters' metrics and logs (never a phone number). */
    enum IntakeOutcome { RECORDED, DUPLICATE }
}
