package org.appealdesk.sim;

import java.time.InstantSource;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.appealdesk.platform.PhoneNumber;

/**
 * The mutable ledger behind {@link SimLedger}: every event the simulator causes or sees, under one
 * lock so a snapshot is consistent. It only records; the SMSC's decisions live in
 * {@link ChargeDesk}. It counts bills per request id itself, so a bug that made the desk bill twice
 * would show up as {@code requestIdsBilledTwice} instead of hiding.
 *
 * <p>Donor and charge maps are bounded; past a bound, events still count in the totals but the
 * per-entry maps stop growing and {@code overflowed} says so.
 */
final class GroundTruth {

    static final int DONORS_MAX = 1_000_000;
    static final int CHARGES_MAX = 2_000_000;

    private final InstantSource clock;
    private final LongSupplier outstanding;

    private long mosGenerated;
    private long mosAcked;
    private long mosDropped;
    private long duplicateMosSent;
    private long duplicateMosAcked;
    private long moRedeliveries;
    private long moErrorResponses;
    private long moTimeouts;
    private final Map<PhoneNumber, Donor> donors = new HashMap<>();
    private long billedSubmits;
    private long billedSubmitsWithoutRequestId;
    private long requestIdsSubmittedMoreThanOnce;
    private long requestIdsBilledTwice;
    private final Map<String, Charge> charges = new HashMap<>();
    private final EnumMap<ChargeOutcome, Long> attemptsByOutcome = new EnumMap<>(ChargeOutcome.class);
    private long throttled;
    private long malformed;
    private long unknownOutcomes;
    private final TreeMap<Long, Long> submitsByPrice = new TreeMap<>();
    private long freeMessages;
    private long receiptsCreated;
    private long receiptsSent;
    private long duplicateReceiptsSent;
    private long receiptRedeliveries;
    private long receiptsAcked;
    private long receiptsDropped;
    private boolean overflowed;

    private static final class Donor {
        long texts;
        long textedPence;
        long billedPence;
        long chargesBilled;
        long freeMessages;
    }

    private static final class Charge {
        final String requestId;
        final PhoneNumber donor;
        final long pence;
        String messageId;
        ChargeOutcome outcome;
        int submits;
        int timesBilled;

        Charge(String requestId, PhoneNumber donor, long pence) {
            this.requestId = requestId;
            this.donor = donor;
            this.pence = pence;
        }
    }

    GroundTruth(InstantSource clock, LongSupplier outstanding) {
        this.clock = clock;
        this.outstanding = outstanding;
    }

    synchronized void textGenerated(TextMessage text) {
        mosGenerated++;
        Donor donor = donor(text.donor());
        if (donor != null) {
            donor.texts++;
            donor.textedPence += text.template().expectedPence();
        }
    }

    synchronized void moDispatched(Delivery.Mo mo) {
        if (mo.attempt() > 0) {
            moRedeliveries++;
        } else if (mo.duplicate()) {
            duplicateMosSent++;
        }
    }

    synchronized void moAcked(Delivery.Mo mo) {
        if (mo.duplicate()) {
            duplicateMosAcked++;
        } else {
            mosAcked++;
        }
    }

    synchronized void moFailed(boolean timedOut) {
        if (timedOut) {
            moTimeouts++;
        } else {
            moErrorResponses++;
        }
    }

    synchronized void moDropped(Delivery.Mo mo) {
        if (!mo.duplicate()) {
            mosDropped++;
        }
    }

    /** Any submit_sm that reached the desk; price 0 for a free one. */
    synchronized void submitReceived(long pricePence) {
        submitsByPrice.merge(pricePence, 1L, Long::sum);
    }

    synchronized void throttled() {
        throttled++;
    }

    synchronized void malformed() {
        malformed++;
    }

    /** A billed submit_sm arrived; returns how many times this request id has now been submitted. */
    synchronized int billedSubmit(String requestId, boolean hasRequestId, PhoneNumber donor, long pence) {
        billedSubmits++;
        if (!hasRequestId) {
            billedSubmitsWithoutRequestId++;
        }
        Charge charge = charge(requestId, donor, pence);
        if (charge == null) {
            return 1;
        }
        charge.submits++;
        if (charge.submits == 2) {
            requestIdsSubmittedMoreThanOnce++;
        }
        return charge.submits;
    }

    synchronized void chargeAttempt(String requestId, String messageId, ChargeOutcome outcome) {
        attemptsByOutcome.merge(outcome, 1L, Long::sum);
        if (outcome == ChargeOutcome.NO_RECEIPT) {
            unknownOutcomes++;
        }
        Charge charge = charges.get(requestId);
        if (charge != null) {
            charge.messageId = messageId;
            charge.outcome = outcome;
        }
    }

    synchronized void billed(String requestId, PhoneNumber number, long pence) {
        Charge charge = charges.get(requestId);
        if (charge != null) {
            charge.timesBilled++;
            if (charge.timesBilled == 2) {
                requestIdsBilledTwice++;
            }
        }
        Donor donor = donor(number);
        if (donor != null) {
            donor.billedPence += pence;
            donor.chargesBilled++;
        }
    }

    synchronized void freeMessage(PhoneNumber number) {
        freeMessages++;
        Donor donor = donor(number);
        if (donor != null) {
            donor.freeMessages++;
        }
    }

    synchronized void receiptCreated() {
        receiptsCreated++;
    }

    synchronized void receiptDispatched(Delivery.Receipt receipt) {
        if (receipt.attempt() > 0) {
            receiptRedeliveries++;
        } else {
            receiptsSent++;
            if (receipt.duplicate()) {
                duplicateReceiptsSent++;
            }
        }
    }

    synchronized void receiptAcked() {
        receiptsAcked++;
    }

    synchronized void receiptDropped() {
        receiptsDropped++;
    }

    synchronized SimLedger snapshot() {
        Map<PhoneNumber, SimLedger.DonorTotals> donorCopy = new HashMap<>(donors.size() * 2);
        donors.forEach((number, d) -> donorCopy.put(number, new SimLedger.DonorTotals(d.texts, d.textedPence, d.billedPence, d.chargesBilled, d.freeMessages)));
        Map<String, SimLedger.ChargeTruth> chargeCopy = new HashMap<>(charges.size() * 2);
        charges.forEach((id, c) -> chargeCopy.put(id, new SimLedger.ChargeTruth(c.requestId, c.donor, c.pence, c.messageId, c.outcome, c.submits, c.timesBilled)));
        return new SimLedger(clock.instant(),
                mosGenerated, mosAcked, mosDropped, duplicateMosSent, duplicateMosAcked, moRedeliveries, moErrorResponses, moTimeouts,
                donorCopy,
                billedSubmits, billedSubmitsWithoutRequestId, charges.size(), requestIdsSubmittedMoreThanOnce, requestIdsBilledTwice,
                chargeCopy, attemptsByOutcome, throttled, malformed, unknownOutcomes, submitsByPrice,
                freeMessages,
                receiptsSent, duplicateReceiptsSent, receiptRedeliveries, receiptsAcked,
                receiptsCreated - receiptsAcked - receiptsDropped, receiptsDropped,
                outstanding.getAsLong(), overflowed);
    }

    private Donor donor(PhoneNumber number) {
        Donor donor = donors.get(number);
        if (donor == null) {
            if (donors.size() >= DONORS_MAX) {
                overflowed = true;
                return null;
            }
            donor = new Donor();
            donors.put(number, donor);
        }
        return donor;
    }

    private Charge charge(String requestId, PhoneNumber donor, long pence) {
        Charge charge = charges.get(requestId);
        if (charge == null) {
            if (charges.size() >= CHARGES_MAX) {
                overflowed = true;
                return null;
            }
            charge = new Charge(requestId, donor, pence);
            charges.put(requestId, charge);
        }
        return charge;
    }
}
