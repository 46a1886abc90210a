package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreValidAndRealistic() {
        // Proves the default settings are accepted and follow docs/SMPP.md's tags with a mostly-delivered mix.
        SimSettings settings = SimSettings.defaults(1);
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isZero();
        assertThat(settings.moIdTag()).isEqualTo(0x1501);
        assertThat(settings.networkTag()).isEqualTo(0x1502);
        assertThat(settings.requestIdTag()).isEqualTo(0x1503);
        assertThat(settings.priceTag()).isEqualTo(0x1504);
        assertThat(settings.failureMix().probability(ChargeOutcome.DELIVERED)).isEqualTo(0.85);
        assertThat(settings.failureMix().probability(ChargeOutcome.NO_RECEIPT)).isEqualTo(0.01);
        assertThat(settings.duplicateMoProbability()).isEqualTo(0.01);
    }

    @Test
    void refusesBadSettingsNamingThem() {
        // Proves out-of-range or inconsistent settings refuse to build, with a message naming the setting and value.
        SimSettings valid = SimSettings.defaults(1);
        assertThatThrownBy(() -> valid.toBuilder().host("10.0.0.1").build()).hasMessageContaining("loopback");
        assertThatThrownBy(() -> valid.toBuilder().credentials("appealdesk", "123456789").build()).hasMessageContaining("password must be 1-8");
        assertThatThrownBy(() -> valid.toBuilder().windowSize(0).build()).hasMessageContaining("windowSize must be 1-256, got 0");
        assertThatThrownBy(() -> valid.toBuilder().throttleProbability(1.5).build()).hasMessageContaining("throttleProbability");
        assertThatThrownBy(() -> valid.toBuilder().receiptDelayMsMax(5_000).lateReceiptDelayMsMax(1_000).build()).hasMessageContaining("lateReceiptDelayMsMax");
        assertThatThrownBy(() -> valid.withIdStyles(MessageIdStyle.DECIMAL, ReceiptIdStyle.DECIMAL_OF_HEX)).hasMessageContaining("DECIMAL_OF_HEX");
        assertThatThrownBy(() -> valid.toBuilder().priceTag(0x1501).build()).hasMessageContaining("0x1501 is used twice");
        assertThatThrownBy(() -> valid.toBuilder().moIdTag(0x10000).build()).hasMessageContaining("moIdTag");
    }

    @Test
    void aFailureMixMustSumToOne() {
        // Proves a mix whose probabilities do not sum to 1 is refused rather than silently renormalised.
        EnumMap<ChargeOutcome, Double> p = new EnumMap<>(ChargeOutcome.class);
        p.put(ChargeOutcome.DELIVERED, 0.8);
        p.put(ChargeOutcome.INSUFFICIENT_FUNDS, 0.1);
        assertThatThrownBy(() -> new FailureMix(p)).hasMessageContaining("sum to 1");
        assertThatThrownBy(() -> new FailureMix(Map.of(ChargeOutcome.DELIVERED, 1.2))).hasMessageContaining("[0, 1]");
        assertThat(FailureMix.allDelivered().with(ChargeOutcome.INSUFFICIENT_FUNDS, 0.25).probability(ChargeOutcome.DELIVERED)).isEqualTo(0.75);
    }

    @Test
    void theRealisticMixIsDrawnInItsProportions() {
        // Proves picking from the realistic mix over many uniform draws reproduces its probabilities within a percentage point.
        FailureMix mix = FailureMix.realistic();
        EnumMap<ChargeOutcome, Integer> counts = new EnumMap<>(ChargeOutcome.class);
        SplittableRandom random = new SplittableRandom(17);
        int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            counts.merge(mix.pick(random.nextDouble()), 1, Integer::sum);
        }
        for (ChargeOutcome outcome : ChargeOutcome.values()) {
            assertThat(counts.getOrDefault(outcome, 0) / (double) draws).as(outcome.name()).isCloseTo(mix.probability(outcome), org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void outcomesCarryTheContractsErrorCodesAndStates() {
        // Proves the receipted outcomes use docs/SMPP.md's default err codes and SMPP message_state values.
        assertThat(ChargeOutcome.DELIVERED.stat()).isEqualTo("DELIVRD");
        assertThat(ChargeOutcome.DELIVERED.messageState()).isEqualTo(2);
        assertThat(ChargeOutcome.INSUFFICIENT_FUNDS.errorCode()).isEqualTo(1);
        assertThat(ChargeOutcome.PERMANENTLY_BARRED.errorCode()).isEqualTo(3);
        assertThat(ChargeOutcome.TEMPORARY_BARRED.errorCode()).isEqualTo(4);
        assertThat(ChargeOutcome.MAX_SPEND_MSISDN.errorCode()).isEqualTo(5);
        assertThat(ChargeOutcome.UNREACHABLE_MSISDN.errorCode()).isEqualTo(10);
        assertThat(ChargeOutcome.NO_RECEIPT.isAccepted()).isTrue();
        assertThat(ChargeOutcome.NO_SUBMIT_RESPONSE.isAccepted()).isFalse();
        assertThat(ChargeOutcome.values()).filteredOn(ChargeOutcome::bills).containsExactly(ChargeOutcome.DELIVERED);
    }

    @Test
    void receiptIdStylesConvertBetweenHexAndDecimal() {
        // Proves the receipt id styles map a message id exactly as an ESME's receiptIdFormat must undo.
        assertThat(ReceiptIdStyle.SAME.receiptId("1A2B3C4D5E")).isEqualTo("1A2B3C4D5E");
        assertThat(ReceiptIdStyle.DECIMAL_OF_HEX.receiptId("1A2B3C4D5E")).isEqualTo("112394521950");
        assertThat(ReceiptIdStyle.HEX_OF_DECIMAL.receiptId("112394521950")).isEqualTo("1A2B3C4D5E");
    }

    @Test
    void uuidShapedIdsAreDistinctAndOutOfOrder() {
        // Proves the UUID style never gives two counters the same id (its high half is a bijective mix) and scatters
        // consecutive counters: about half of neighbouring pairs are in ascending order, where a counter's are all.
        java.util.Set<String> seen = new java.util.HashSet<>();
        int ascending = 0;
        String previous = null;
        long first = 0x10_0000_0000L;
        for (long counter = first; counter < first + 200_000; counter++) {
            String id = MessageIds.uuidShaped(counter);
            assertThat(seen.add(id)).as("counter %d", counter).isTrue();
            if (previous != null && previous.compareTo(id) < 0) {
                ascending++;
            }
            previous = id;
        }
        assertThat(MessageIds.uuidShaped(first)).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(ascending).isBetween(95_000, 105_000);
    }
}
