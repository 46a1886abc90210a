/**
 * The SMPP 3.4 adapter: the ESME side of docs/SMPP.md over jSMPP. An edge: it depends on the
 * {@code org.appealdesk.sms} ports and {@code org.appealdesk.platform} only, and nothing depends on it.
 *
 * <p>Public API: {@link org.appealdesk.sms.smpp.SmppGateway} (start, boundSessions, close),
 * {@link org.appealdesk.sms.smpp.SmppSettings} (validated; JSON through its builder),
 * {@link org.appealdesk.sms.smpp.BillingProfile}, {@link org.appealdesk.sms.smpp.ReceiptIdFormat},
 * {@link org.appealdesk.sms.smpp.ErrorCodeMap}. Everything else is package-private.
 *
 * <p>What the core can rely on:
 * <ul>
 *   <li>deliver_sm_resp (texts and receipts) is sent only after the intake future completed
 *       normally; a failure or a wait beyond {@code commitWaitMsMax} answers ESME_RX_T_APPN, so the
 *       SMSC delivers again: intake must take redeliveries calmly (the MO id TLV is the external id).</li>
 *   <li>Each claimed outbox message is reported exactly once: accepted (message id exactly as the
 *       SMSC wrote it), refused (an SMPP command_status as "0x0000000B", or NO_BILLING_ROUTE,
 *       INVALID_REQUEST_ID, NO_SOURCE_ADDRESS, NO_DESTINATION, INVALID_PRICE, INVALID_PDU, all
 *       permanent), noAnswer (it may have reached the SMSC: never re-sent by the adapter), or
 *       retryLater (throttled, or certainly not written). If the outbox fails to record it (its
 *       future fails, or the call throws), the message stays claimed for the janitor. Reports are
 *       made from many threads, jSMPP's readers among them, and must not block.</li>
 *   <li>Receipt ids are converted into the submit form ({@link org.appealdesk.sms.smpp.ReceiptIdFormat});
 *       match them to accepted ids case-insensitively, as docs/SMPP.md says.</li>
 *   <li>Intermediate receipts (ENROUTE, ACCEPTD) are acknowledged and not reported; unreadable
 *       receipts are refused with ESME_RX_P_APPN and counted, and their charge stays UNKNOWN.</li>
 * </ul>
 */
package org.appealdesk.sms.smpp;
