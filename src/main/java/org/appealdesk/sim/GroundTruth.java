package org.appealdesk.sim;

import java.time.InstantSource;
import java.util.EnumMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongFunction;
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
 *
 * <p>Every donor and charge of a run is kept, so each is a row of {@link Column}s by its index in a
 * {@link KeyTable}, not an object in a map, and a snapshot copies the rows and reads them as maps
 * ({@link FrozenRows}) (BENCHMARKS.md, "The simulator's records").
 */
final class GroundTruth {

    static final int DONORS_MAX = 1_000_000;
    static final int CHARGES_MAX = 2_000_000;

    private static final int NO_OUTCOME = -1;
    private static final long NO_MESSAGE = -1;
    private static final ChargeOutcome[] OUTCOMES = ChargeOutcome.values();

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
    private final DonorRows donors = new DonorRows();
    private long billedSubmits;
    private long billedSubmitsWithoutRequestId;
    private long requestIdsSubmittedMoreThanOnce;
    private long requestIdsBilledTwice;
    private final ChargeRows charges;
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

    /** Each donor's figures, a row by the index of the donor's digits. */
    private static final class DonorRows {
        final KeyTable keys;
        final Column.Ints texts;
        final Column.Longs textedPence;
        final Column.Longs billedPence;
        final Column.Ints chargesBilled;
        final Column.Ints freeMessages;

        DonorRows() {
            this(new KeyTable(), new Column.Ints(), new Column.Longs(), new Column.Longs(), new Column.Ints(), new Column.Ints());
        }

        private DonorRows(KeyTable keys, Column.Ints texts, Column.Longs textedPence, Column.Longs billedPence, Column.Ints chargesBilled,
                          Column.Ints freeMessages) {
            this.keys = keys;
            this.texts = texts;
            this.textedPence = textedPence;
            this.billedPence = billedPence;
            this.chargesBilled = chargesBilled;
            this.freeMessages = freeMessages;
        }

        DonorRows copy() {
            int n = keys.size();
            return new DonorRows(keys.copy(), texts.copy(n), textedPence.copy(n), billedPence.copy(n), chargesBilled.copy(n), freeMessages.copy(n));
        }

        SimLedger.DonorTotals at(int row) {
            return new SimLedger.DonorTotals(texts.get(row), textedPence.get(row), billedPence.get(row), chargesBilled.get(row), freeMessages.get(row));
        }
    }

    /** Each charge's figures, a row by the index of its request id. */
    private static final class ChargeRows {
        final KeyTable keys;
        /** The donor, {@link PackedPhone packed}. */
        final Column.Longs donor;
        final Column.Ints pence;
        /** The message id's number ({@link MessageIds#nextMessageNumber}), or NO_MESSAGE before the first attempt. */
        final Column.Longs message;
        /** The latest attempt's outcome's ordinal, or NO_OUTCOME. */
        final Column.Ints outcome;
        final Column.Ints submits;
        final Column.Ints timesBilled;
        final LongFunction<String> messageIds;

        ChargeRows(LongFunction<String> messageIds) {
            this(new KeyTable(), new Column.Longs(), new Column.Ints(), new Column.Longs(), new Column.Ints(), new Column.Ints(), new Column.Ints(),
                    messageIds);
        }

        private ChargeRows(KeyTable keys, Column.Longs donor, Column.Ints pence, Column.Longs message, Column.Ints outcome, Column.Ints submits,
                           Column.Ints timesBilled, LongFunction<String> messageIds) {
            this.keys = keys;
            this.donor = donor;
            this.pence = pence;
            this.message = message;
            this.outcome = outcome;
            this.submits = submits;
            this.timesBilled = timesBilled;
            this.messageIds = messageIds;
        }

        ChargeRows copy() {
            int n = keys.size();
            return new ChargeRows(keys.copy(), donor.copy(n), pence.copy(n), message.copy(n), outcome.copy(n), submits.copy(n), timesBilled.copy(n),
                    messageIds);
        }

        SimLedger.ChargeTruth at(int row) {
            long messageNumber = message.get(row);
            int outcomeOrdinal = outcome.get(row);
            return new SimLedger.ChargeTruth(keys.key(row), PackedPhone.unpack(donor.get(row)), pence.get(row),
                    messageNumber == NO_MESSAGE ? null : messageIds.apply(messageNumber), outcomeOrdinal == NO_OUTCOME ? null : OUTCOMES[outcomeOrdinal],
                    submits.get(row), timesBilled.get(row));
        }
    }

    /** @param messageIds a message id's text from its number, as the desk answered it */
    GroundTruth(InstantSource clock, LongSupplier outstanding, LongFunction<String> messageIds) {
        this.clock = clock;
        this.outstanding = outstanding;
        this.charges = new ChargeRows(messageIds);
    }

    synchronized void textGenerated(TextMessage text) {
        mosGenerated++;
        int donor = donor(text.donor());
        if (donor >= 0) {
            donors.texts.increment(donor);
            donors.textedPence.add(donor, text.template().expectedPence());
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
        int charge = charge(requestId, donor, pence);
        if (charge < 0) {
            return 1;
        }
        int submits = charges.submits.increment(charge);
        if (submits == 2) {
            requestIdsSubmittedMoreThanOnce++;
        }
        return submits;
    }

    /** An attempt drew {@code outcome}; {@code messageNumber} is the message id's number ({@link MessageIds#nextMessageNumber}). */
    synchronized void chargeAttempt(String requestId, long messageNumber, ChargeOutcome outcome) {
        attemptsByOutcome.merge(outcome, 1L, Long::sum);
        if (outcome == ChargeOutcome.NO_RECEIPT) {
            unknownOutcomes++;
        }
        int charge = charges.keys.find(requestId);
        if (charge >= 0) {
            charges.message.set(charge, messageNumber);
            charges.outcome.set(charge, outcome.ordinal());
        }
    }

    synchronized void billed(String requestId, PhoneNumber number, long pence) {
        int charge = charges.keys.find(requestId);
        if (charge >= 0 && charges.timesBilled.increment(charge) == 2) {
            requestIdsBilledTwice++;
        }
        int donor = donor(number);
        if (donor >= 0) {
            donors.billedPence.add(donor, pence);
            donors.chargesBilled.increment(donor);
        }
    }

    synchronized void freeMessage(PhoneNumber number) {
        freeMessages++;
        int donor = donor(number);
        if (donor >= 0) {
            donors.freeMessages.increment(donor);
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
        // Copies of the rows, read as maps: whole-run maps of records would cost objects by the million.
        DonorRows donorCopy = donors.copy();
        ChargeRows chargeCopy = charges.copy();
        return new SimLedger(clock.instant(),
                mosGenerated, mosAcked, mosDropped, duplicateMosSent, duplicateMosAcked, moRedeliveries, moErrorResponses, moTimeouts,
                new FrozenRows<>(donorCopy.keys, PhoneNumber.class, PhoneNumber::new, PhoneNumber::digits, donorCopy::at),
                billedSubmits, billedSubmitsWithoutRequestId, chargeCopy.keys.size(), requestIdsSubmittedMoreThanOnce, requestIdsBilledTwice,
                new FrozenRows<>(chargeCopy.keys, String.class, Function.identity(), Function.identity(), chargeCopy::at),
                attemptsByOutcome, throttled, malformed, unknownOutcomes, submitsByPrice,
                freeMessages,
                receiptsSent, duplicateReceiptsSent, receiptRedeliveries, receiptsAcked,
                receiptsCreated - receiptsAcked - receiptsDropped, receiptsDropped,
                outstanding.getAsLong(), overflowed);
    }

    /** The donor's index, added when new; -1 past {@link #DONORS_MAX}. */
    private int donor(PhoneNumber number) {
        int donor = donors.keys.find(number.digits());
        if (donor >= 0) {
            return donor;
        }
        if (donors.keys.size() >= DONORS_MAX) {
            overflowed = true;
            return -1;
        }
        return donors.keys.add(number.digits());
    }

    /** The charge's index, added with its donor and price when new; -1 past {@link #CHARGES_MAX}. */
    private int charge(String requestId, PhoneNumber donor, long pence) {
        int charge = charges.keys.find(requestId);
        if (charge >= 0) {
            return charge;
        }
        if (charges.keys.size() >= CHARGES_MAX) {
            overflowed = true;
            return -1;
        }
        // Converted before the key is added, so a row is never left half set.
        long packed = PackedPhone.pack(donor);
        int pennies = Math.toIntExact(pence);
        charge = charges.keys.add(requestId);
        charges.donor.set(charge, packed);
        charges.pence.set(charge, pennies);
        charges.message.set(charge, NO_MESSAGE);
        charges.outcome.set(charge, NO_OUTCOME);
        return charge;
    }
}
