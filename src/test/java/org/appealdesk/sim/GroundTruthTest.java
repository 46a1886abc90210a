package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import org.appealdesk.platform.PhoneNumber;
import org.junit.jupiter.api.Test;

class GroundTruthTest {

    private static final PhoneNumber DONOR = new PhoneNumber("447700900001");

    @Test
    void flagsADonorBilledMoreThanTheyTextedAndARequestIdBilledTwice() {
        // Proves the ledger's checks catch a double charge: a donor billed above their texts and a request id billed twice.
        GroundTruth truth = new GroundTruth(InstantSource.fixed(Instant.EPOCH), () -> 0, Long::toString);
        truth.textGenerated(new TextMessage("MO-1", 0, DONOR, "ee", "70141", TextTemplate.gsm("SUN5", 500)));
        truth.billedSubmit("r1", true, DONOR, 500);
        truth.billed("r1", DONOR, 500);
        assertThat(truth.snapshot().donorsBilledMoreThanTexted()).isEmpty();

        truth.billedSubmit("r1", true, DONOR, 500);
        truth.billed("r1", DONOR, 500);
        SimLedger ledger = truth.snapshot();
        assertThat(ledger.donorsBilledMoreThanTexted()).containsExactly(DONOR);
        assertThat(ledger.requestIdsBilledTwice()).isEqualTo(1);
        assertThat(ledger.totalBilledPence()).isEqualTo(1000);
        assertThat(ledger.totalTextedPence()).isEqualTo(500);
    }

    @Test
    void countsOnlyGenuineTextsAsTextedAndKeepsTheSnapshotApartFromLaterEvents() {
        // Proves texts that must not be charged add nothing to textedPence, and a snapshot does not change after it was taken.
        GroundTruth truth = new GroundTruth(InstantSource.fixed(Instant.EPOCH), () -> 0, Long::toString);
        truth.textGenerated(new TextMessage("MO-1", 0, DONOR, "o2", "70141", new TextTemplate("SUN7", TextCoding.GSM_7BIT, 0, TextIntent.AMOUNT_NOT_OFFERED)));
        SimLedger before = truth.snapshot();
        truth.textGenerated(new TextMessage("MO-2", 1, DONOR, "o2", "70141", TextTemplate.gsm("SUN3", 300)));
        assertThat(before.donor(DONOR).texts()).isEqualTo(1);
        assertThat(before.donor(DONOR).textedPence()).isZero();
        assertThat(truth.snapshot().donor(DONOR).textedPence()).isEqualTo(300);
        assertThat(before.summary()).doesNotContain(DONOR.digits());
    }

    @Test
    void givesBackEachChargeAsRecordedFromItsCompactRows() {
        // Proves the snapshot rebuilds a charge's donor, price, message id, outcome and counts from the arrays it is kept in.
        GroundTruth truth = new GroundTruth(InstantSource.fixed(Instant.EPOCH), () -> 0, number -> "M" + number);
        PhoneNumber other = new PhoneNumber("07700900002");
        truth.billedSubmit("r1", true, DONOR, 500);
        truth.billedSubmit("r2", true, other, 1000);
        truth.chargeAttempt("r1", 41, ChargeOutcome.INSUFFICIENT_FUNDS);
        truth.billedSubmit("r1", true, DONOR, 500);
        truth.chargeAttempt("r1", 41, ChargeOutcome.DELIVERED);
        truth.billed("r1", DONOR, 500);
        SimLedger ledger = truth.snapshot();
        assertThat(ledger.charges().get("r1")).isEqualTo(new SimLedger.ChargeTruth("r1", DONOR, 500, "M41", ChargeOutcome.DELIVERED, 2, 1));
        assertThat(ledger.charges().get("r2")).isEqualTo(new SimLedger.ChargeTruth("r2", other, 1000, null, null, 1, 0));
        assertThat(ledger.donor(DONOR).billedPence()).isEqualTo(500);
        assertThat(ledger.donor(other).billedPence()).isZero();
        assertThat(ledger.requestIdsSubmittedMoreThanOnce()).isEqualTo(1);
        assertThat(ledger.charges()).containsOnlyKeys("r1", "r2");
        assertThat(ledger.charges().get((Object) DONOR)).isNull();
        assertThat(ledger.donors()).containsOnlyKeys(DONOR);

        truth.billedSubmit("r3", true, other, 300);
        truth.billedSubmit("r2", true, other, 1000);
        truth.billed("r2", other, 1000);
        assertThat(ledger.charges()).hasSize(2).doesNotContainKey("r3");
        assertThat(ledger.charges().get("r2").submits()).isEqualTo(1);
        assertThat(ledger.charges().get("r2").timesBilled()).isZero();
        assertThat(ledger.donors()).doesNotContainKey(other);
        SimLedger later = truth.snapshot();
        assertThat(later.charges()).containsKey("r3");
        assertThat(later.charges().get("r2").submits()).isEqualTo(2);
        assertThat(later.donor(other).billedPence()).isEqualTo(1000);
    }
}
