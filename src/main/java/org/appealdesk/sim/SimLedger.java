package org.appealdesk.sim;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.appealdesk.platform.PhoneNumber;

/**
 * The simulator's ground truth at one moment, taken under one lock so that every figure agrees
 * with every other. End-to-end tests compare the platform's books with this.
 *
 * <p>{@code mapsOverflowed} says the per-donor or per-charge maps reached their bounds
 * ({@code GroundTruth.DONORS_MAX}, {@code CHARGES_MAX}); totals stay right, per-entry figures do not.
 *
 * <p>How things are counted:
 * <ul>
 *   <li>A donor's {@code textedPence} counts every genuine text when it is generated (the donor
 *       has pressed send), with the template's expected pence; network redeliveries of the same
 *       moId are never counted. So in a correct run billed &lt;= texted for every donor, even if
 *       the run stops before every text was acknowledged.</li>
 *   <li>A donor's {@code billedPence} grows only when a charge is DELIVERED, once per request id
 *       ever. NO_RECEIPT charges are recorded as unknown outcomes and are <em>not</em> billed;
 *       refused and unanswered submits are not billed.</li>
 *   <li>{@code chargeAttemptsByOutcome} counts every billed submit that drew an outcome (a resubmit
 *       of a refused or unanswered request id draws again); throttled submits are counted apart
 *       because the SMSC never looked at them.</li>
 * </ul>
 */
public record SimLedger(
        Instant takenAt,
        long mosGenerated,
        long mosAcked,
        long mosDropped,
        long duplicateMosSent,
        long duplicateMosAcked,
        long moRedeliveries,
        long moErrorResponses,
        long moTimeouts,
        Map<PhoneNumber, DonorTotals> donors,
        long billedSubmitsReceived,
        long billedSubmitsWithoutRequestId,
        long distinctRequestIds,
        long requestIdsSubmittedMoreThanOnce,
        long requestIdsBilledTwice,
        Map<String, ChargeTruth> charges,
        Map<ChargeOutcome, Long> chargeAttemptsByOutcome,
        long throttledSubmits,
        long malformedSubmits,
        long unknownOutcomes,
        Map<Long, Long> submitsByPricePence,
        long freeMessagesReceived,
        long receiptsSent,
        long duplicateReceiptsSent,
        long receiptRedeliveries,
        long receiptsAcked,
        long receiptsPending,
        long receiptsDropped,
        long deliveriesOutstanding,
        boolean mapsOverflowed) {

    /** What one donor texted and paid. */
    public record DonorTotals(long texts, long textedPence, long billedPence, long chargesBilled, long freeMessages) {
    }

    /**
     * One charge request id as the SMSC saw it.
     *
     * @param outcome     the outcome of the latest attempt
     * @param submits     how many submit_sm carried this request id past the throttle (a throttled
     *                    submit was never looked at, so its retry is no resubmission)
     * @param timesBilled how many times it was billed: 0 or 1 in a correct SMSC
     */
    public record ChargeTruth(String requestId, PhoneNumber donor, long pricePence, String messageId,
                              ChargeOutcome outcome, int submits, int timesBilled) {
        public boolean billed() {
            return timesBilled > 0;
        }
    }

    public SimLedger {
        donors = Collections.unmodifiableMap(donors);
        charges = Collections.unmodifiableMap(charges);
        chargeAttemptsByOutcome = Collections.unmodifiableMap(new EnumMap<>(chargeAttemptsByOutcome));
        submitsByPricePence = Collections.unmodifiableMap(new TreeMap<>(submitsByPricePence));
    }

    /** Genuine texts not yet acknowledged by the ESME (nor given up on). */
    public long mosPending() {
        return mosGenerated - mosAcked - mosDropped;
    }

    /** Donors charged more than they texted: must be empty in a correct run. */
    public Set<PhoneNumber> donorsBilledMoreThanTexted() {
        return donors.entrySet().stream()
                .filter(e -> e.getValue().billedPence() > e.getValue().textedPence())
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(() -> new TreeSet<>(java.util.Comparator.comparing(PhoneNumber::digits))));
    }

    public long totalBilledPence() {
        return donors.values().stream().mapToLong(DonorTotals::billedPence).sum();
    }

    public long totalTextedPence() {
        return donors.values().stream().mapToLong(DonorTotals::textedPence).sum();
    }

    /** Request ids billed (each at most once in a correct SMSC). */
    public long chargesBilled() {
        return charges.values().stream().filter(ChargeTruth::billed).count();
    }

    public long chargeAttempts(ChargeOutcome outcome) {
        return chargeAttemptsByOutcome.getOrDefault(outcome, 0L);
    }

    public DonorTotals donor(PhoneNumber number) {
        return donors.getOrDefault(number, new DonorTotals(0, 0, 0, 0, 0));
    }

    /** Nothing queued, scheduled or in flight: every MO and receipt was acknowledged or given up. */
    public boolean isSettled() {
        return deliveriesOutstanding == 0;
    }

    /** A one-line summary without phone numbers, for logs and failure messages. */
    public String summary() {
        return "mos generated=" + mosGenerated + " acked=" + mosAcked + " pending=" + mosPending() + " dropped=" + mosDropped
                + " duplicates=" + duplicateMosSent + " redeliveries=" + moRedeliveries
                + "; billed submits=" + billedSubmitsReceived + " requestIds=" + distinctRequestIds
                + " resubmitted=" + requestIdsSubmittedMoreThanOnce + " billedTwice=" + requestIdsBilledTwice
                + " outcomes=" + chargeAttemptsByOutcome + " throttled=" + throttledSubmits + " unknown=" + unknownOutcomes
                + "; free=" + freeMessagesReceived
                + "; receipts sent=" + receiptsSent + " acked=" + receiptsAcked + " pending=" + receiptsPending
                + "; texted=" + totalTextedPence() + "p billed=" + totalBilledPence() + "p; outstanding=" + deliveriesOutstanding + (mapsOverflowed ? "; MAPS OVERFLOWED" : "");
    }
}
