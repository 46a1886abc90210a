package org.appealdesk.sim;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.appealdesk.platform.PhoneNumber;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.OptionalParameters;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's side of submit_sm: reads the price by whichever billing signal the ESME used,
 * decides each charge's fate from the seed, bills the donor, and schedules the receipt.
 *
 * <p>The rule that matters most: a charge is keyed by its request id, and once the SMSC has
 * accepted it (answered with a message id) it is settled forever. A second submit with the same
 * request id gets the same message id back, the receipt again, and never a second bill. A request
 * id whose earlier attempt was refused or never answered was not accepted, so a resubmit is a new
 * attempt for the same charge (same message id, new draw), still billed at most once.
 *
 * <p>Runs on jSMPP's PDU processor threads: it never blocks, and a charge's state changes under
 * the lock of its stripe of the charge table only.
 */
final class ChargeDesk implements ServerMessageReceiverListener {

    private static final Logger LOG = LoggerFactory.getLogger(ChargeDesk.class);

    /** Distinct charges remembered for de-duplication; past this, submits are refused as queue full. */
    static final int CHARGES_MAX = GroundTruth.CHARGES_MAX;
    /** A key that can never collide with an ESME's request id, for billed submits that lack one. */
    static final String NO_REQUEST_ID = "~no-request-id~#";
    /** ESME_RINVOPTPARAMVAL: a price TLV that is not a positive decimal. */
    static final int STATUS_INVALID_TLV_VALUE = 0xC4;
    private static final int RECEIPT_REQUESTED_MASK = 0x03;

    private final SimSettings settings;
    private final GroundTruth truth;
    private final Courier courier;
    private final MessageIds ids;
    private final InstantSource clock;
    private final ThankYouMatcher thanks;
    /** Stripes of the charge table, each with its own lock, so the binds' threads seldom wait for each other. */
    private static final int STRIPES = 64;
    private static final int NO_RECEIPT_YET = -1;
    private static final long NO_MESSAGE = -1;
    private static final ChargeOutcome[] OUTCOMES = ChargeOutcome.values();

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final AtomicInteger remembered = new AtomicInteger();
    private final Map<SMPPServerSession, QuietSubmitRespSender> senders = new ConcurrentHashMap<>();
    private final AtomicLong submits = new AtomicLong();
    private final AtomicLong anonymousCharges = new AtomicLong();
    private final AtomicLong freeReceipts = new AtomicLong();

    /**
     * Part of the charge table, guarded by its own monitor: each charge as the SMSC knows it, a row
     * of arrays at its request id's index. Every charge of a run is kept (a request id is recognised
     * for ever), so a row holds only what a resend of its receipt needs, not the receipt itself: at
     * 2,800 texts/s the receipts and their strings were about 34 MB of the live heap at the end of a
     * 60 s window. A row in arrays is about 90 bytes, up to about 120 with the arrays' room to grow,
     * where the charge object, its map entry, number, message id and time were several hundred
     * (BENCHMARKS.md, "The simulator's records").
     */
    private static final class Stripe {
        final KeyTable requestIds = new KeyTable();
        /** The donor, {@link PackedPhone packed}. */
        final Column.Longs donor = new Column.Longs();
        final Column.Ints pence = new Column.Ints();
        /** The message id's number ({@link MessageIds#nextMessageNumber}), or NO_MESSAGE before the first attempt. */
        final Column.Longs message = new Column.Longs();
        final Column.Ints attempts = new Column.Ints();
        final Column.Ints resends = new Column.Ints();
        /** 1 once the SMSC has accepted the charge (answered with a message id): settled for ever. */
        final Column.Ints accepted = new Column.Ints();
        /** The receipted outcome's ordinal, or NO_RECEIPT_YET while there is no receipt to send again. */
        final Column.Ints receiptOutcome = new Column.Ints();
        final Column.Longs receiptSubmittedAtMillis = new Column.Longs();

        /** A new row for {@code key}, which is not in the table. */
        int add(String key, PhoneNumber number, long price) {
            // Converted before the key is added, so a row is never left half set.
            long packed = PackedPhone.pack(number);
            int pennies = Math.toIntExact(price);
            int row = requestIds.add(key);
            donor.set(row, packed);
            pence.set(row, pennies);
            message.set(row, NO_MESSAGE);
            receiptOutcome.set(row, NO_RECEIPT_YET);
            return row;
        }

        boolean isAccepted(int row) {
            return accepted.get(row) == 1;
        }
    }

    ChargeDesk(SimSettings settings, GroundTruth truth, Courier courier, MessageIds ids, InstantSource clock, ThankYouMatcher thanks) {
        this.settings = settings;
        this.thanks = thanks;
        this.truth = truth;
        this.courier = courier;
        this.ids = ids;
        this.clock = clock;
        Arrays.setAll(stripes, i -> new Stripe());
    }

    void register(SMPPServerSession session, QuietSubmitRespSender sender) {
        senders.put(session, sender);
    }

    void forget(SMPPServerSession session) {
        senders.remove(session);
    }

    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm submit, SMPPServerSession session) throws ProcessRequestException {
        Long price = priceOf(submit);
        truth.submitReceived(price == null ? 0 : price);
        long number = submits.getAndIncrement();
        if (Draws.unit(settings.seed(), Draws.THROTTLE, number) < settings.throttleProbability()) {
            truth.throttled();
            throw new ProcessRequestException("throttled", SMPPConstant.STAT_ESME_RTHROTTLED);
        }
        PhoneNumber donor = destinationOf(submit);
        String text = bodyOf(submit);
        if (price == null) {
            return free(submit, donor, text);
        }
        return billed(submit, session, donor, price, text);
    }

    private SubmitSmResult free(SubmitSm submit, PhoneNumber donor, String text) throws ProcessRequestException {
        truth.freeMessage(donor);
        thanks.freeMessage(donor, System.nanoTime());
        String messageId = ids.nextMessageId();
        if ((submit.getRegisteredDelivery() & RECEIPT_REQUESTED_MASK) == 1) {
            String key = "free#" + freeReceipts.incrementAndGet();
            courier.sendReceipt(receipt(messageId, donor, submit, ChargeOutcome.DELIVERED, text, key, clock.instant()), receiptDelayMs(key));
        }
        return result(messageId);
    }

    private SubmitSmResult billed(SubmitSm submit, SMPPServerSession session, PhoneNumber donor, long pence, String text)
            throws ProcessRequestException {
        String requestId = requestIdOf(submit);
        boolean hasRequestId = requestId != null;
        String key = hasRequestId ? requestId : NO_REQUEST_ID + anonymousCharges.incrementAndGet();
        Stripe stripe = stripes[Math.floorMod(key.hashCode(), STRIPES)];
        synchronized (stripe) {
            int charge = stripe.requestIds.find(key);
            if (charge < 0) {
                // Counted before it is added, so stripes racing for the last places cannot pass the bound.
                if (remembered.incrementAndGet() > CHARGES_MAX) {
                    remembered.decrementAndGet();
                    LOG.warn("{} charges remembered: refusing new ones as queue full", CHARGES_MAX);
                    throw new ProcessRequestException("charge table full", SMPPConstant.STAT_ESME_RMSGQFUL);
                }
                charge = stripe.add(key, donor, pence);
            }
            if (stripe.donor.get(charge) != PackedPhone.pack(donor) || stripe.pence.get(charge) != pence) {
                // The same request id for another donor or price is an ESME bug; charging either would be a guess.
                truth.malformed();
                LOG.warn("request id {} resubmitted with another donor or price ({} then {} pence): refused", key, stripe.pence.get(charge), pence);
                throw new ProcessRequestException("request id reused for a different charge", ChargeOutcome.REFUSED_COMMAND_STATUS);
            }
            truth.billedSubmit(key, hasRequestId, donor, pence);
            if (stripe.isAccepted(charge)) {
                return again(key, stripe, charge, donor, submit, text);
            }
            int attempt = stripe.attempts.increment(charge) - 1;
            ChargeOutcome outcome = settings.failureMix().pick(Draws.unit(settings.seed(), Draws.OUTCOME, key + "#" + attempt));
            if (stripe.message.get(charge) == NO_MESSAGE) {
                stripe.message.set(charge, ids.nextMessageNumber());
            }
            String messageId = ids.messageId(stripe.message.get(charge));
            truth.chargeAttempt(key, stripe.message.get(charge), outcome);
            if (attempt == 0) {
                thanks.firstChargeAttempt(donor, pence, outcome.bills());
            }
            switch (outcome.kind()) {
                case REFUSED -> throw new ProcessRequestException("charge refused", ChargeOutcome.REFUSED_COMMAND_STATUS);
                case NO_RESPONSE -> silence(session, submit.getSequenceNumber(), key);
                case NO_RECEIPT -> stripe.accepted.set(charge, 1);
                case RECEIPTED -> {
                    stripe.accepted.set(charge, 1);
                    if (outcome.bills()) {
                        truth.billed(key, donor, pence);
                    }
                    // Kept to the millisecond: a receipt's text gives its submit date to the minute.
                    Instant submittedAt = Instant.ofEpochMilli(clock.millis());
                    stripe.receiptOutcome.set(charge, outcome.ordinal());
                    stripe.receiptSubmittedAtMillis.set(charge, submittedAt.toEpochMilli());
                    courier.sendReceipt(receipt(messageId, donor, submit, outcome, text, key, submittedAt), receiptDelayMs(key));
                }
            }
            return result(messageId);
        }
    }

    /**
     * A settled charge submitted again: same id, its receipt again, no new bill. The receipt is
     * rebuilt: its id, outcome and submit date from the charge, its donor, sender and quoted text from
     * this resubmit (the caller checked its request id, donor and price). The platform resends the
     * same stored message, so these are the first submit's too.
     */
    private SubmitSmResult again(String key, Stripe stripe, int charge, PhoneNumber donor, SubmitSm submit, String text)
            throws ProcessRequestException {
        String messageId = ids.messageId(stripe.message.get(charge));
        if (stripe.receiptOutcome.get(charge) != NO_RECEIPT_YET) {
            int resends = stripe.resends.increment(charge);
            Delivery.Receipt receipt = receipt(messageId, donor, submit, OUTCOMES[stripe.receiptOutcome.get(charge)], text, key,
                    Instant.ofEpochMilli(stripe.receiptSubmittedAtMillis.get(charge)));
            courier.sendReceipt(receipt.asDuplicate(), receiptDelayMs(key + "#again" + resends));
        }
        return result(messageId);
    }

    private void silence(SMPPServerSession session, int sequenceNumber, String key) throws ProcessRequestException {
        QuietSubmitRespSender sender = senders.get(session);
        if (sender == null || !sender.silence(sequenceNumber)) {
            // Answering would turn "no response" into "accepted"; refusing with a system error is the honest fallback.
            LOG.error("cannot withhold the submit_sm_resp for request id {} (sender {}): answering ESME_RSYSERR", key, sender == null ? "missing" : "full");
            throw new ProcessRequestException("cannot withhold response", SMPPConstant.STAT_ESME_RSYSERR);
        }
    }

    /** Keeps only the receipt's 20 quoted characters of the text: a settled charge is remembered forever. */
    private Delivery.Receipt receipt(String messageId, PhoneNumber donor, SubmitSm submit, ChargeOutcome outcome, String text, String key,
            Instant submittedAt) {
        return new Delivery.Receipt(ids.receiptIdOf(messageId), donor, null, submit.getSourceAddr(), outcome, submittedAt, ReceiptText.quoted(text), key, false, 0);
    }

    /** Normal receipts come within receiptDelayMsMax; late ones between that and lateReceiptDelayMsMax. */
    private long receiptDelayMs(String key) {
        double unit = Draws.unit(settings.seed(), Draws.RECEIPT_DELAY, key);
        if (Draws.unit(settings.seed(), Draws.LATE_RECEIPT, key) < settings.lateReceiptProbability()) {
            long span = settings.lateReceiptDelayMsMax() - settings.receiptDelayMsMax() + 1;
            return settings.receiptDelayMsMax() + Draws.below(unit, span);
        }
        return Draws.below(unit, settings.receiptDelayMsMax() + 1);
    }

    /**
     * The price in pence, or null for a free message. The three signals are read together; if
     * two disagree the submit is refused.
     */
    Long priceOf(SubmitSm submit) throws ProcessRequestException {
        List<Long> prices = new ArrayList<>(3);
        String tlv = tlvText(submit, settings.priceTag());
        if (tlv != null) {
            long pence;
            try {
                pence = Long.parseLong(tlv);
            } catch (NumberFormatException e) {
                pence = -1;
            }
            if (pence <= 0 || pence > SimSettings.PRICE_PENCE_MAX) {
                truth.malformed();
                throw new ProcessRequestException("price TLV '" + tlv + "' is not 1-" + SimSettings.PRICE_PENCE_MAX + " pence", STATUS_INVALID_TLV_VALUE);
            }
            prices.add(pence);
        }
        if (submit.getServiceType() != null) {
            Long byServiceType = settings.billing().penceByServiceType().get(submit.getServiceType());
            if (byServiceType != null) {
                prices.add(byServiceType);
            }
        }
        if (submit.getSourceAddr() != null) {
            Long byShortcode = settings.billing().penceByBillingShortcode().get(submit.getSourceAddr());
            if (byShortcode != null) {
                prices.add(byShortcode);
            }
        }
        if (prices.stream().distinct().count() > 1) {
            truth.malformed();
            throw new ProcessRequestException("conflicting prices " + prices, ChargeOutcome.REFUSED_COMMAND_STATUS);
        }
        return prices.isEmpty() ? null : prices.getFirst();
    }

    private PhoneNumber destinationOf(SubmitSm submit) throws ProcessRequestException {
        try {
            return PhoneNumber.parse(submit.getDestAddress());
        } catch (IllegalArgumentException e) {
            truth.malformed();
            throw new ProcessRequestException("destination is not a phone number", SMPPConstant.STAT_ESME_RINVDSTADR);
        }
    }

    private String requestIdOf(SubmitSm submit) {
        String requestId = tlvText(submit, settings.requestIdTag());
        return requestId == null || requestId.isEmpty() ? null : requestId;
    }

    /** A vendor TLV as ASCII text, with a C-string's trailing NUL removed; null when absent or the tag is off. */
    static String tlvText(SubmitSm submit, int tag) {
        if (tag == 0) {
            return null;
        }
        OptionalParameter parameter = submit.getOptionalParameter((short) tag);
        if (!(parameter instanceof OptionalParameter.OctetString octets)) {
            return null;
        }
        String text = new String(octets.getValue(), StandardCharsets.US_ASCII);
        int nul = text.indexOf('\0');
        return (nul >= 0 ? text.substring(0, nul) : text).strip();
    }

    private static String bodyOf(SubmitSm submit) {
        byte[] body = submit.getShortMessage();
        if (body == null || body.length == 0) {
            OptionalParameter payload = submit.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
            body = payload instanceof OptionalParameter.OctetString octets ? octets.getValue() : new byte[0];
        }
        return TextCoding.of(submit.getDataCoding()).decode(Objects.requireNonNullElse(body, new byte[0]));
    }

    private static SubmitSmResult result(String messageId) throws ProcessRequestException {
        try {
            return new SubmitSmResult(new MessageId(messageId), OptionalParameters.EMPTY_OPTIONAL_PARAMETERS);
        } catch (PDUStringException e) {
            throw new ProcessRequestException("message id '" + messageId + "' rejected by jSMPP", SMPPConstant.STAT_ESME_RSYSERR, e);
        }
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source) throws ProcessRequestException {
        throw unsupported("submit_multi");
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
        throw unsupported("query_sm");
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
        throw unsupported("replace_sm");
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
        throw unsupported("cancel_sm");
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source) throws ProcessRequestException {
        throw unsupported("broadcast_sm");
    }

    @Override
    public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
        throw unsupported("cancel_broadcast_sm");
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
        throw unsupported("query_broadcast_sm");
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw unsupported("data_sm");
    }

    /** The contract uses submit_sm only; anything else is answered "invalid command". */
    private static ProcessRequestException unsupported(String command) {
        return new ProcessRequestException(command + " is not part of the Appealdesk contract", SMPPConstant.STAT_ESME_RINVCMDID);
    }
}
