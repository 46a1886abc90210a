package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void gsmPutsThePoundSignAt0x01AndEscapesTheEuro() {
        // Proves the simulator's own GSM 03.38 encoder writes '£' as 0x01 and '€' as ESC 0x65, and reads both back.
        assertThat(GsmAlphabet.encode("SUN£5")).containsExactly('S', 'U', 'N', 0x01, '5');
        assertThat(GsmAlphabet.encode("@€")).containsExactly(0x00, 0x1B, 0x65);
        assertThat(GsmAlphabet.decode(GsmAlphabet.encode("Sun £5 {ok} ÄÖ é"))).isEqualTo("Sun £5 {ok} ÄÖ é");
        assertThat(GsmAlphabet.canEncode("❤")).isFalse();
    }

    @Test
    void aTemplateRefusesAnInconsistentIntentOrAnUnwritableBody() {
        // Proves only donations may carry pence and a body must be writable in its coding.
        assertThatThrownBy(() -> new TextTemplate("SUN7", TextCoding.GSM_7BIT, 700, TextIntent.AMOUNT_NOT_OFFERED)).hasMessageContaining("AMOUNT_NOT_OFFERED");
        assertThatThrownBy(() -> new TextTemplate("SUN5", TextCoding.GSM_7BIT, 0, TextIntent.DONATE)).hasMessageContaining("DONATE");
        assertThatThrownBy(() -> new TextTemplate("SUN ❤", TextCoding.GSM_7BIT, 500)).hasMessageContaining("GSM_7BIT");
        assertThat(new TextTemplate("SUN5", TextCoding.GSM_7BIT, 0).intent()).isEqualTo(TextIntent.OTHER_FREE);
    }

    @Test
    void theReferenceMixHasTheMessySpellingsAndTheTextsThatMustNotBeCharged() {
        // Proves the reference appeal's mix holds the real-world spellings, three codings, and wrong keywords, an amount not offered, HELP and STOP at 0 pence.
        List<TrafficPlan.Share> mix = TrafficPlan.referenceMix();
        Set<String> bodies = mix.stream().map(s -> s.template().body()).collect(Collectors.toSet());
        assertThat(bodies).contains("SUN£5", "sun5", "Sun £5", "SUN £5.", "SUN£5 ", "SUN 10", "SUN3", "SUNNOINFO5", "sun noinfo 10",
                "SUN £10", "SUNN5", "SUM5", "HELLO", "SUN7", "HELP", "STOP");
        assertThat(mix).extracting(s -> s.template().dataCoding()).contains(TextCoding.GSM_7BIT, TextCoding.LATIN_1, TextCoding.UCS_2);
        assertThat(mix).filteredOn(s -> !s.template().intent().isDonation()).allMatch(s -> s.template().expectedPence() == 0);
        assertThat(mix).filteredOn(s -> s.template().body().equals("SUN7")).singleElement()
                .extracting(s -> s.template().intent()).isEqualTo(TextIntent.AMOUNT_NOT_OFFERED);
        assertThat(bodies).doesNotContain("SUN20");
    }

    @Test
    void aTwentyShareAddsSun20InTheAskedProportion() {
        // Proves withTwentyShare(0.2) makes "SUN20" (2000 pence) a fifth of the mix's weight, and 0 removes it.
        TrafficPlan plan = TrafficPlan.referenceAppeal(10, 100).withTwentyShare(0.2);
        double total = plan.mix().stream().mapToDouble(TrafficPlan.Share::weight).sum();
        TrafficPlan.Share twenty = plan.mix().stream().filter(s -> s.template().body().equals("SUN20")).findFirst().orElseThrow();
        assertThat(twenty.weight() / total).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(twenty.template().expectedPence()).isEqualTo(2000);
        assertThat(plan.withTwentyShare(0).mix()).noneMatch(s -> s.template().body().equals("SUN20"));
    }

    @Test
    void aPlanIsAlwaysBounded() {
        // Proves a plan refuses a zero or excessive rate, duration or count, so every run ends on its own.
        assertThatThrownBy(() -> TrafficPlan.referenceAppeal(0, 10)).hasMessageContaining("ratePerSecond");
        assertThatThrownBy(() -> TrafficPlan.referenceAppeal(10, Duration.ofDays(2))).hasMessageContaining("durationMax");
        assertThatThrownBy(() -> TrafficPlan.referenceAppeal(10, 0)).hasMessageContaining("countMax");
        assertThatThrownBy(() -> TrafficPlan.referenceAppeal(10, 10).withDonorPoolSize(DonorPool.NUMBERS_MAX + 1)).hasMessageContaining("donorPoolSize");
    }

    @Test
    void theDonorPoolIsASeededSampleOfDistinctDramaRangeNumbers() {
        // Proves the same seed gives the same 50,000 distinct 447700xxxxxx donors on the same networks, and another seed others.
        DonorPool first = DonorPool.generate(5, 50_000, TrafficPlan.ukNetworks());
        DonorPool again = DonorPool.generate(5, 50_000, TrafficPlan.ukNetworks());
        DonorPool other = DonorPool.generate(6, 50_000, TrafficPlan.ukNetworks());
        SplittableRandom a = new SplittableRandom(1);
        SplittableRandom b = new SplittableRandom(1);
        SplittableRandom c = new SplittableRandom(1);
        List<DonorPool.Donor> picked = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> first.pick(a)).toList();
        assertThat(java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> again.pick(b)).toList()).isEqualTo(picked);
        assertThat(java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> other.pick(c)).toList()).isNotEqualTo(picked);
        assertThat(picked).allMatch(d -> d.number().digits().matches("447700\\d{6}"));
        assertThat(picked).extracting(DonorPool.Donor::network).containsOnly("o2", "ee", "vodafone", "three", "giffgaff");
        DonorPool thousand = DonorPool.generate(9, 1_000, TrafficPlan.ukNetworks());
        SplittableRandom d = new SplittableRandom(2);
        assertThat(java.util.stream.IntStream.range(0, 200_000).mapToObj(i -> thousand.pick(d).number().digits()).distinct().count())
                .as("a pool of 1,000 holds 1,000 distinct numbers").isEqualTo(1_000);
        assertThatThrownBy(() -> DonorPool.generate(9, DonorPool.NUMBERS_MAX + 1, TrafficPlan.ukNetworks())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReceiptTextFollowsAppendixB() {
        // Proves the receipt short_message is SMPP 3.4 Appendix B form, with dlvrd, stat and a three-digit err, and a quoted text stripped of ':'.
        Instant submitted = Instant.parse("2026-03-01T09:05:00Z");
        Instant done = Instant.parse("2026-03-01T09:06:00Z");
        assertThat(ReceiptText.format("1A2B3C4D5E", ChargeOutcome.DELIVERED, submitted, done, "Thank you: £5 for SUN appeal"))
                .isEqualTo("id:1A2B3C4D5E sub:001 dlvrd:001 submit date:2603010905 done date:2603010906 stat:DELIVRD err:000 text:Thank you 5 for SUN ");
        assertThat(ReceiptText.format("7", ChargeOutcome.MAX_SPEND_MSISDN, submitted, done, ""))
                .endsWith("dlvrd:000 submit date:2603010905 done date:2603010906 stat:REJECTD err:005 text:");
        assertThatThrownBy(() -> ReceiptText.format("7", ChargeOutcome.NO_RECEIPT, submitted, done, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
