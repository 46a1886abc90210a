package org.appealdesk.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What donors text, how often, and for how long: an open-loop schedule (texts arrive on time
 * whether or not the ESME keeps up) that ends after {@code durationMax} or {@code countMax} texts,
 * whichever comes first. Both are always bounded.
 *
 * @param shortcode      the number donors text, e.g. "70141"
 * @param mix            the texts and their relative weights
 * @param ratePerSecond  mean arrival rate; arrivals are Poisson (exponential gaps) from the seed
 * @param durationMax    the run stops scheduling after this long
 * @param countMax       the run stops after this many genuine texts
 * @param donorPoolSize  distinct donors, numbers 4477009xxxxx chosen from the seed
 * @param networkShares  network name (sent in the network TLV) and relative share of donors
 */
public record TrafficPlan(
        String shortcode,
        List<Share> mix,
        double ratePerSecond,
        Duration durationMax,
        long countMax,
        int donorPoolSize,
        Map<String, Double> networkShares) {

    public static final double RATE_PER_SECOND_MAX = 20_000;
    public static final Duration DURATION_MAX = Duration.ofHours(24);
    public static final long COUNT_MAX = 100_000_000;
    public static final int MIX_SIZE_MAX = 100;
    public static final int NETWORKS_MAX = 20;
    public static final String REFERENCE_SHORTCODE = "70141";
    public static final int DONOR_POOL_SIZE_DEFAULT = 50_000;

    /** One kind of text and its relative weight in the mix. */
    public record Share(TextTemplate template, double weight) {
        public Share {
            if (template == null || !(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("a share needs a template and a finite weight >= 0, got " + weight);
            }
        }
    }

    public TrafficPlan {
        if (shortcode == null || !shortcode.matches("\\d{5,6}")) {
            throw new IllegalArgumentException("shortcode must be 5-6 digits, got '" + shortcode + "'");
        }
        if (mix == null || mix.isEmpty() || mix.size() > MIX_SIZE_MAX) {
            throw new IllegalArgumentException("mix must have 1-" + MIX_SIZE_MAX + " shares, got " + (mix == null ? "none" : mix.size()));
        }
        mix = List.copyOf(mix);
        if (mix.stream().mapToDouble(Share::weight).sum() <= 0) {
            throw new IllegalArgumentException("the mix's weights sum to 0: nothing could be sent");
        }
        if (!(ratePerSecond > 0) || ratePerSecond > RATE_PER_SECOND_MAX) {
            throw new IllegalArgumentException("ratePerSecond must be in (0, " + RATE_PER_SECOND_MAX + "], got " + ratePerSecond);
        }
        if (durationMax == null || durationMax.isNegative() || durationMax.isZero() || durationMax.compareTo(DURATION_MAX) > 0) {
            throw new IllegalArgumentException("durationMax must be in (0, " + DURATION_MAX + "], got " + durationMax);
        }
        if (countMax < 1 || countMax > COUNT_MAX) {
            throw new IllegalArgumentException("countMax must be 1-" + COUNT_MAX + ", got " + countMax);
        }
        if (donorPoolSize < 1 || donorPoolSize > DonorPool.NUMBERS_MAX) {
            throw new IllegalArgumentException("donorPoolSize must be 1-" + DonorPool.NUMBERS_MAX + ", got " + donorPoolSize);
        }
        if (networkShares == null || networkShares.isEmpty() || networkShares.size() > NETWORKS_MAX) {
            throw new IllegalArgumentException("networkShares must name 1-" + NETWORKS_MAX + " networks");
        }
        // Sorted, so that a donor's network drawn from the seed does not depend on map order.
        TreeMap<String, Double> networks = new TreeMap<>();
        networkShares.forEach((name, share) -> {
            if (name == null || !name.matches("[a-z0-9-]{1,32}") || share == null || !(share >= 0) || Double.isInfinite(share)) {
                throw new IllegalArgumentException("network share " + name + " -> " + share + " must be a short lower-case name and a finite weight >= 0");
            }
            networks.put(name, share);
        });
        if (networks.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("network shares sum to 0");
        }
        networkShares = Collections.unmodifiableMap(networks);
    }

    /** UK networks in the network TLV, roughly by market share (giffgaff being an MVNO on O2). */
    public static Map<String, Double> ukNetworks() {
        return Map.of("o2", 0.27, "ee", 0.30, "vodafone", 0.22, "three", 0.13, "giffgaff", 0.08);
    }

    /** The reference appeal (SUN to 70141, £3/£5/£10) at {@code ratePerSecond} for {@code duration}. */
    public static TrafficPlan referenceAppeal(double ratePerSecond, Duration duration) {
        long countMax = (long) Math.min(COUNT_MAX, Math.max(1, Math.ceil(ratePerSecond * duration.toNanos() / 1e9) * 2));
        return new TrafficPlan(REFERENCE_SHORTCODE, referenceMix(), ratePerSecond, duration, countMax, DONOR_POOL_SIZE_DEFAULT, ukNetworks());
    }

    /** The reference appeal at {@code ratePerSecond} until {@code countMax} texts have arrived. */
    public static TrafficPlan referenceAppeal(double ratePerSecond, long countMax) {
        return new TrafficPlan(REFERENCE_SHORTCODE, referenceMix(), ratePerSecond, DURATION_MAX, countMax, DONOR_POOL_SIZE_DEFAULT, ukNetworks());
    }

    /** {@code count} copies of one text to {@code shortcode}, for tests that look at one PDU. */
    public static TrafficPlan single(String shortcode, TextTemplate template, long count, double ratePerSecond) {
        return new TrafficPlan(shortcode, List.of(new Share(template, 1)), ratePerSecond, DURATION_MAX, count, 100, ukNetworks());
    }

    /**
     * The messy real spellings of the reference appeal, weighted roughly as donors type them:
     * mostly GSM, some Latin-1 and UCS-2, about 7% that must never be charged (near-miss keywords,
     * an amount not offered, HELP and STOP). £20 ("SUN20") is absent; add it with
     * {@link #withTwentyShare(double)} when the appeal under test offers £20.
     */
    public static List<Share> referenceMix() {
        List<Share> mix = new ArrayList<>();
        mix.add(new Share(TextTemplate.gsm("SUN£5", 500), 18));
        mix.add(new Share(TextTemplate.gsm("sun5", 500), 12));
        mix.add(new Share(TextTemplate.gsm("Sun £5", 500), 8));
        mix.add(new Share(TextTemplate.gsm("SUN 5", 500), 4));
        mix.add(new Share(TextTemplate.gsm("SUN £5.", 500), 4));
        mix.add(new Share(TextTemplate.gsm("SUN£5 ", 500), 4));
        mix.add(new Share(TextTemplate.gsm("SUN 10", 1000), 9));
        mix.add(new Share(TextTemplate.gsm("SUN£10", 1000), 6));
        mix.add(new Share(TextTemplate.gsm("SUN3", 300), 7));
        mix.add(new Share(TextTemplate.gsm("SUN£3", 300), 4));
        mix.add(new Share(new TextTemplate("SUNNOINFO5", TextCoding.GSM_7BIT, 500, TextIntent.DONATE_NO_CONTACT), 4));
        mix.add(new Share(new TextTemplate("sun noinfo 10", TextCoding.GSM_7BIT, 1000, TextIntent.DONATE_NO_CONTACT), 2));
        mix.add(new Share(new TextTemplate("SUN £10", TextCoding.UCS_2, 1000), 3));
        mix.add(new Share(new TextTemplate("SUN £5", TextCoding.LATIN_1, 500), 3));
        mix.add(new Share(new TextTemplate("sun £3", TextCoding.LATIN_1, 300), 1));
        mix.add(new Share(new TextTemplate("SUNN5", TextCoding.GSM_7BIT, 0, TextIntent.WRONG_KEYWORD), 1.5));
        mix.add(new Share(new TextTemplate("SUM5", TextCoding.GSM_7BIT, 0, TextIntent.WRONG_KEYWORD), 1.5));
        mix.add(new Share(new TextTemplate("HELLO", TextCoding.GSM_7BIT, 0, TextIntent.WRONG_KEYWORD), 1));
        mix.add(new Share(new TextTemplate("SUN7", TextCoding.GSM_7BIT, 0, TextIntent.AMOUNT_NOT_OFFERED), 1.5));
        mix.add(new Share(new TextTemplate("HELP", TextCoding.GSM_7BIT, 0, TextIntent.HELP), 1));
        mix.add(new Share(new TextTemplate("STOP", TextCoding.GSM_7BIT, 0, TextIntent.STOP), 0.5));
        return List.copyOf(mix);
    }

    /**
     * This plan with "SUN20" (£20) making up {@code share} of all texts (0 removes it), for split
     * testing £20 gifts that some networks charge as 2 x £10.
     */
    public TrafficPlan withTwentyShare(double share) {
        if (!(share >= 0) || share > 0.9) {
            throw new IllegalArgumentException("twenty share must be in [0, 0.9], got " + share);
        }
        List<Share> others = mix.stream().filter(s -> !s.template().body().equals("SUN20")).toList();
        List<Share> next = new ArrayList<>(others);
        if (share > 0) {
            double rest = others.stream().mapToDouble(Share::weight).sum();
            next.add(new Share(TextTemplate.gsm("SUN20", 2000), rest * share / (1 - share)));
        }
        return new TrafficPlan(shortcode, next, ratePerSecond, durationMax, countMax, donorPoolSize, networkShares);
    }

    public TrafficPlan withDonorPoolSize(int size) {
        return new TrafficPlan(shortcode, mix, ratePerSecond, durationMax, countMax, size, networkShares);
    }

    public TrafficPlan withMix(List<Share> newMix) {
        return new TrafficPlan(shortcode, newMix, ratePerSecond, durationMax, countMax, donorPoolSize, networkShares);
    }

    public TrafficPlan withRate(double newRatePerSecond) {
        return new TrafficPlan(shortcode, mix, newRatePerSecond, durationMax, countMax, donorPoolSize, networkShares);
    }
}
