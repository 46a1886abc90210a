package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jsmpp.bean.DeliverSm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class DeterminismTest {

    private static final int TEXTS = 300;

    @Test
    void theSameSeedSendsTheSameTextsFromTheSameDonors() throws Exception {
        // Proves one seed (and id salt) gives the same sequence of texts: same moIds, donors, networks, codings and bytes.
        List<String> first = textsFor(SimSettings.perfect(7).toBuilder().idSalt(99).build());
        List<String> second = textsFor(SimSettings.perfect(7).toBuilder().idSalt(99).build());
        List<String> otherSeed = textsFor(SimSettings.perfect(8).toBuilder().idSalt(99).build());

        assertThat(first).hasSize(TEXTS);
        assertThat(second).as("seed 7 again").isEqualTo(first);
        assertThat(withoutIds(otherSeed)).as("seed 8").isNotEqualTo(withoutIds(first));
    }

    @Test
    void aFreshIdSaltChangesIdsButNotTexts() throws Exception {
        // Proves the default fresh id salt gives new moIds on every start while the texts stay those of the seed.
        List<String> first = textsFor(SimSettings.perfect(7));
        List<String> second = textsFor(SimSettings.perfect(7));
        assertThat(withoutIds(second)).isEqualTo(withoutIds(first));
        assertThat(second.getFirst().split("\\|")[0]).isNotEqualTo(first.getFirst().split("\\|")[0]);
    }

    @Test
    void theSameSeedGivesTheSameOutcomesForTheSameRequestIds() throws Exception {
        // Proves charge outcomes are a function of seed and request id, so two runs that submit the same ids get the same fates.
        SimSettings settings = SimSettings.defaults(5).toBuilder()
                .failureMix(FailureMix.realistic().with(ChargeOutcome.NO_SUBMIT_RESPONSE, 0))
                .throttleProbability(0).receiptDelayMsMax(5).lateReceiptDelayMsMax(5).build();
        Map<String, ChargeOutcome> first = outcomesFor(settings);
        Map<String, ChargeOutcome> second = outcomesFor(settings);
        assertThat(second).isEqualTo(first);
        assertThat(first.values()).contains(ChargeOutcome.DELIVERED).anyMatch(outcome -> outcome != ChargeOutcome.DELIVERED);
    }

    /** Every text of one run as "moId|donor|shortcode|coding|bytes|network", in sequence order. */
    private static List<String> textsFor(SimSettings settings) throws Exception {
        try (SimulatedSmsc smsc = SimulatedSmsc.start(settings); TestEsme esme = TestEsme.bind(smsc)) {
            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(5_000, TEXTS).withTwentyShare(0.05));
            assertThat(run.awaitAcked(TestEsme.WAIT)).as(run.toString()).isTrue();
            List<DeliverSm> mos = esme.mos(TEXTS, TestEsme.WAIT);
            return mos.stream()
                    .sorted(Comparator.comparingLong(DeterminismTest::sequenceOf))
                    .map(mo -> TestEsme.tlv(mo, SimSettings.MO_ID_TAG_DEFAULT) + "|" + mo.getSourceAddr() + "|" + mo.getDestAddress()
                            + "|" + mo.getDataCoding() + "|" + HexFormat.of().formatHex(mo.getShortMessage())
                            + "|" + TestEsme.tlv(mo, SimSettings.NETWORK_TAG_DEFAULT))
                    .toList();
        }
    }

    private static long sequenceOf(DeliverSm mo) {
        String moId = TestEsme.tlv(mo, SimSettings.MO_ID_TAG_DEFAULT);
        return Long.parseLong(moId.substring(moId.lastIndexOf('-') + 1));
    }

    private static List<String> withoutIds(List<String> texts) {
        return texts.stream().map(text -> text.substring(text.indexOf('|'))).toList();
    }

    private static Map<String, ChargeOutcome> outcomesFor(SimSettings settings) throws Exception {
        try (SimulatedSmsc smsc = SimulatedSmsc.start(settings); TestEsme esme = TestEsme.bind(smsc)) {
            for (int i = 0; i < 200; i++) {
                try {
                    esme.charge("447700900" + String.format("%03d", i), 500, "request-" + i);
                } catch (org.jsmpp.extra.NegativeResponseException refused) {
                    // SUBMIT_REFUSED is one of the outcomes compared below.
                }
            }
            Map<String, ChargeOutcome> outcomes = new TreeMap<>();
            smsc.ledger().charges().forEach((id, charge) -> outcomes.put(id, charge.outcome()));
            return outcomes;
        }
    }
}
