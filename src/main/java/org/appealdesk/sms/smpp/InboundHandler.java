package org.appealdesk.sms.smpp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.ReportIntake;
import org.appealdesk.sms.TextCodec;
import org.appealdesk.sms.TextIntake;
import org.appealdesk.sms.smpp.SmppMetrics.MoResult;
import org.appealdesk.sms.smpp.SmppMetrics.ReceiptResult;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each deliver_sm into an {@link InboundText} or a {@link ChargeReport}, hands it to the core
 * and has it answered only once the core has committed it: the answer is left with
 * {@link DeferredReplies}, because jSMPP sends deliver_sm_resp when this listener returns, and
 * returning with ESME_ROK would acknowledge a text that a crash could still lose. No thread waits:
 * how many texts wait for a commit is bounded by the SMSC's window and the intake's queue, not by
 * jSMPP's PDU threads.
 *
 * <p>Answers: committed → ESME_ROK; not committed within {@link SmppSettings#commitWaitMsMax()},
 * or the core failed or refused it → ESME_RX_T_APPN (temporary, the SMSC retries); a text whose
 * source is not a phone number, or a receipt with no readable message id or state → ESME_RX_P_APPN
 * at once (permanent: retrying cannot help, and a permanent error shows up in the aggregator's
 * logs where a silent ESME_ROK would hide it; such a charge stays UNKNOWN until the janitor
 * resolves it). Phone numbers are never logged.
 */
final class InboundHandler implements MessageReceiverListener {

    private static final Logger log = LoggerFactory.getLogger(InboundHandler.class);

    static final String CHANNEL = "smpp";
    private static final int ESM_MESSAGE_TYPE_MASK = 0x3C;
    private static final int ESM_DEFAULT_MESSAGE = 0x00;
    private static final int ESM_DELIVERY_RECEIPT = 0x04;
    private static final int ESM_INTERMEDIATE_NOTIFICATION = 0x20;
    private static final int ESM_UDHI = 0x40;
    private static final short TAG_RECEIPTED_MESSAGE_ID = 0x001E;
    private static final short TAG_MESSAGE_PAYLOAD = 0x0424;
    private static final short TAG_MESSAGE_STATE = 0x0427;
    /** At most one warning this often about texts refused because the intake is full. */
    private static final long REFUSED_AS_FULL_WARN_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Longest vendor TLV string read; longer values are cut (an MO id longer than 80 is hashed). */
    static final int TLV_STRING_LENGTH_MAX = 256;

    private final SmppSettings settings;
    private final TextIntake texts;
    private final ReportIntake reports;
    private final InstantSource clock;
    private final SmppMetrics metrics;
    private final DeferredReplies replies;
    /** Refusals because the intake is full, since the last warning about them; see {@link #refusedAsFull}. */
    private final AtomicLong refusedAsFullSinceWarning = new AtomicLong();
    private final AtomicLong refusedAsFullWarnedNanos = new AtomicLong(System.nanoTime() - REFUSED_AS_FULL_WARN_NANOS);

    InboundHandler(SmppSettings settings, TextIntake texts, ReportIntake reports, InstantSource clock, SmppMetrics metrics,
                   DeferredReplies replies) {
        this.settings = settings;
        this.replies = replies;
        this.texts = texts;
        this.reports = reports;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
        DeferredReplies.forget();
        int messageType = deliverSm.getEsmClass() & ESM_MESSAGE_TYPE_MASK;
        switch (messageType) {
            case ESM_DEFAULT_MESSAGE -> acceptText(deliverSm);
            case ESM_DELIVERY_RECEIPT, ESM_INTERMEDIATE_NOTIFICATION -> acceptReceipt(deliverSm);
            default -> {
                // SME acknowledgements and the like: nothing to record, and nothing to resend.
                metrics.ignoredDeliverSm();
                log.debug("deliver_sm with esm_class 0x{} acknowledged and ignored", Integer.toHexString(deliverSm.getEsmClass() & 0xFF));
            }
        }
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {
        log.debug("alert_notification ignored");
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        // The contract (docs/SMPP.md) sends texts and receipts as deliver_sm only.
        throw new ProcessRequestException("data_sm is not accepted; send deliver_sm", SMPPConstant.STAT_ESME_RX_R_APPN);
    }

    private void acceptText(DeliverSm deliverSm) throws ProcessRequestException {
        metrics.moReceived();
        PhoneNumber source;
        try {
            source = PhoneNumber.parse(deliverSm.getSourceAddr());
        } catch (IllegalArgumentException e) {
            metrics.mo(MoResult.INVALID_SOURCE);
            String sourceAddr = deliverSm.getSourceAddr();
            log.warn("Text refused with ESME_RX_P_APPN: source_addr is not a phone number (ton {}, {} characters)",
                    deliverSm.getSourceAddrTon(), sourceAddr == null ? 0 : sourceAddr.length());
            throw new ProcessRequestException("source_addr is not a phone number", SMPPConstant.STAT_ESME_RX_P_APPN);
        }
        String moId = tlvString(deliverSm, settings.moIdTag());
        String network = tlvString(deliverSm, settings.networkTag());
        InboundText text = new InboundText(
                CHANNEL,
                externalId(moId),
                source,
                deliverSm.getDestAddress() == null ? "" : deliverSm.getDestAddress().strip(),
                TextCodec.decode(deliverSm.getDataCoding() & 0xFF, userData(deliverSm)),
                network == null ? null : network.toLowerCase(Locale.ROOT),
                clock.instant());
        answerOnCommit(deliverSm, () -> texts.submit(text), "Text " + (moId == null ? "without MO id" : moId),
                outcome -> metrics.mo(outcome == TextIntake.IntakeOutcome.DUPLICATE ? MoResult.DUPLICATE : MoResult.RECORDED),
                () -> metrics.mo(MoResult.COMMIT_FAILED));
    }

    private void acceptReceipt(DeliverSm deliverSm) throws ProcessRequestException {
        byte[] userData = userData(deliverSm);
        // Appendix B text is ASCII; Latin-1 maps every byte, so nothing here can fail to decode.
        DeliveryReceiptText receipt = DeliveryReceiptText.parse(new String(userData, StandardCharsets.ISO_8859_1));
        String receiptId = tlvString(deliverSm, TAG_RECEIPTED_MESSAGE_ID);
        if (receiptId == null) {
            receiptId = receipt.id();
        }
        ReceiptState state = messageState(deliverSm);
        if (state == null) {
            state = ReceiptState.fromStat(receipt.stat());
        }
        if (receiptId == null || state == null) {
            metrics.receipt(ReceiptResult.UNREADABLE);
            log.warn("Receipt refused with ESME_RX_P_APPN: {} ({} bytes, esm_class 0x{}, data_coding 0x{}); its charge stays UNKNOWN for the janitor",
                    receiptId == null ? "no message id" : "no known state (stat '" + printable(receipt.stat()) + "')",
                    userData.length, Integer.toHexString(deliverSm.getEsmClass() & 0xFF), Integer.toHexString(deliverSm.getDataCoding() & 0xFF));
            throw new ProcessRequestException("receipt without a readable message id or state", SMPPConstant.STAT_ESME_RX_P_APPN);
        }
        if (!state.isFinal()) {
            metrics.receipt(ReceiptResult.INTERMEDIATE);
            log.debug("Intermediate receipt {} for message {} acknowledged", state, receiptId);
            return;
        }
        String messageId = settings.receiptIdFormat().toSubmitForm(receiptId, settings.messageIdWidth(), settings.messageIdUpperCase());
        ChargeReport report = report(messageId, state, receipt.err(), clock.instant());
        ReceiptResult result = state == ReceiptState.DELIVERED ? ReceiptResult.DELIVERED : ReceiptResult.DECLINED;
        answerOnCommit(deliverSm, () -> reports.submit(report), "Receipt for message " + messageId,
                committed -> metrics.receipt(result), () -> metrics.receipt(ReceiptResult.COMMIT_FAILED));
    }

    private ChargeReport report(String messageId, ReceiptState state, String err, Instant now) {
        if (state == ReceiptState.DELIVERED) {
            return new ChargeReport.Delivered(messageId, now);
        }
        ErrorCodeMap.DeclineReason reason = settings.errorCodes().lookup(err);
        return new ChargeReport.Declined(messageId, now, reason.reason(), reason.permanent());
    }

    /**
     * Leaves this deliver_sm's answer with {@link DeferredReplies}: ESME_ROK once the core's future
     * completes normally within commitWaitMsMax, ESME_RX_T_APPN otherwise. Runs on the thread that
     * completes the future (the group-commit writer), so the work done there is kept small.
     */
    private <T> void answerOnCommit(DeliverSm deliverSm, Supplier<CompletableFuture<T>> submit, String what,
                                    Consumer<T> onCommitted, Runnable onRefused) {
        long started = System.nanoTime();
        CompletableFuture<T> committed;
        try {
            committed = Objects.requireNonNull(submit.get(), "intake returned no future");
        } catch (RuntimeException e) {
            committed = CompletableFuture.failedFuture(e);
        }
        // A copy, so the deadline never completes the core's own future.
        CompletableFuture<Integer> answer = replies.withDeadline(committed.copy())
                .handle((result, error) -> {
                    metrics.commitWait.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    if (error == null) {
                        onCommitted.accept(result);
                        return SMPPConstant.STAT_ESME_ROK;
                    }
                    onRefused.run();
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof TimeoutException) {
                        log.warn("{} not committed within commitWaitMsMax {} ms; answered ESME_RX_T_APPN so the SMSC sends it again",
                                what, settings.commitWaitMsMax());
                    } else if (cause instanceof RejectedExecutionException) {
                        refusedAsFull(cause);
                    } else {
                        log.warn("{} could not be committed; answered ESME_RX_T_APPN so the SMSC sends it again", what, cause);
                    }
                    return SMPPConstant.STAT_ESME_RX_T_APPN;
                });
        DeferredReplies.leave(deliverSm.getSequenceNumber(), answer);
    }

    /**
     * A full intake is back-pressure working as designed, and at a peak it refuses thousands of
     * texts a second: one warning with a stack trace each would bury everything else in the log
     * (79,296 refusals in one bench run at 10,000 texts/s). So: one line per 10 s with the count.
     */
    private void refusedAsFull(Throwable cause) {
        long refused = refusedAsFullSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = refusedAsFullWarnedNanos.get();
        if (now - last >= REFUSED_AS_FULL_WARN_NANOS && refusedAsFullWarnedNanos.compareAndSet(last, now)) {
            refusedAsFullSinceWarning.addAndGet(-refused);
            log.warn("{} texts or receipts refused with ESME_RX_T_APPN since the last warning like this (at most one per {} s),"
                    + " because the intake is full ({}); the SMSC sends them again",
                    refused, TimeUnit.NANOSECONDS.toSeconds(REFUSED_AS_FULL_WARN_NANOS), cause.getMessage());
        }
    }

    private static ReceiptState messageState(DeliverSm deliverSm) {
        OptionalParameter parameter = deliverSm.getOptionalParameter(TAG_MESSAGE_STATE);
        if (parameter instanceof OptionalParameter.Byte value) {
            return ReceiptState.fromMessageState(value.getValue() & 0xFF);
        }
        return null;
    }

    /** The message body: short_message, else the message_payload TLV, without a user data header. */
    static byte[] userData(DeliverSm deliverSm) {
        byte[] body = deliverSm.getShortMessage();
        if ((body == null || body.length == 0)
                && deliverSm.getOptionalParameter(TAG_MESSAGE_PAYLOAD) instanceof OptionalParameter.OctetString payload) {
            body = payload.getValue();
        }
        if (body == null) {
            return new byte[0];
        }
        if ((deliverSm.getEsmClass() & ESM_UDHI) != 0 && body.length > 0) {
            // A concatenated part: skip the header (its first byte is its length). Parts are not
            // reassembled; keywords fit one message.
            int headerLength = 1 + (body[0] & 0xFF);
            return headerLength >= body.length ? new byte[0] : Arrays.copyOfRange(body, headerLength, body.length);
        }
        return body;
    }

    /**
     * A vendor TLV as text: trailing NULs dropped (some SMSCs send C-octet strings, some do not),
     * read as ASCII/Latin-1, stripped; null when the tag is 0, absent, or blank.
     */
    static String tlvString(DeliverSm deliverSm, int tag) {
        if (tag == 0) {
            return null;
        }
        if (!(deliverSm.getOptionalParameter((short) tag) instanceof OptionalParameter.OctetString parameter)) {
            return null;
        }
        byte[] value = parameter.getValue();
        int length = Math.min(value.length, TLV_STRING_LENGTH_MAX);
        while (length > 0 && value[length - 1] == 0) {
            length--;
        }
        String text = new String(value, 0, length, StandardCharsets.ISO_8859_1).strip();
        return text.isEmpty() ? null : text;
    }

    /**
     * The MO id as the core's external id. One longer than the core keeps is replaced by its
     * SHA-256, so that a redelivery still maps to the same id instead of being refused or cut short
     * into a collision.
     */
    static String externalId(String moId) {
        if (moId == null || moId.length() <= InboundText.EXTERNAL_ID_LENGTH_MAX) {
            return moId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(moId.getBytes(StandardCharsets.ISO_8859_1));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > 16 ? text.substring(0, 16) : text;
        return cut.replaceAll("[^A-Za-z0-9_]", "?");
    }
}
