package org.appealdesk.sim;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.appealdesk.platform.PhoneNumber;

/**
 * The simulated donors: {@code size} distinct numbers 447700xxxxxx (UK mobile numbers in the 07700
 * range, which holds Ofcom's drama numbers; they only ever travel over loopback to the platform,
 * which stores them encrypted) chosen from the seed, each on one network. The same seed and size give the same
 * donors on the same networks.
 */
final class DonorPool {

    /**
     * 447700 followed by six digits: a million possible numbers, so a national-peak benchmark
     * (600,000 texts in a minute) is not throttled by the per-number daily cap.
     */
    static final int NUMBERS_MAX = 1_000_000;
    private static final String PREFIX = "447700";

    /** One simulated phone. */
    record Donor(PhoneNumber number, String network) {
    }

    private final Donor[] donors;

    private DonorPool(Donor[] donors) {
        this.donors = donors;
    }

    static DonorPool generate(long seed, int size, Map<String, Double> networkShares) {
        if (size < 1 || size > NUMBERS_MAX) {
            throw new IllegalArgumentException("donor pool size must be 1-" + NUMBERS_MAX + ", got " + size);
        }
        SplittableRandom random = new SplittableRandom(Draws.mix(seed ^ 0x444F4E4F52L));
        // Partial Fisher-Yates: the first `size` slots become a seeded sample without repeats.
        int[] suffixes = new int[NUMBERS_MAX];
        for (int i = 0; i < NUMBERS_MAX; i++) {
            suffixes[i] = i;
        }
        List<String> networks = List.copyOf(networkShares.keySet());
        double[] cumulative = cumulative(networks, networkShares);
        Donor[] donors = new Donor[size];
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(NUMBERS_MAX - i);
            int chosen = suffixes[j];
            suffixes[j] = suffixes[i];
            suffixes[i] = chosen;
            String digits = PREFIX + String.format("%06d", chosen);
            donors[i] = new Donor(new PhoneNumber(digits), networks.get(pick(cumulative, random.nextDouble())));
        }
        return new DonorPool(donors);
    }

    Donor pick(SplittableRandom random) {
        return donors[random.nextInt(donors.length)];
    }

    int size() {
        return donors.length;
    }

    private static double[] cumulative(List<String> names, Map<String, Double> shares) {
        double total = names.stream().mapToDouble(shares::get).sum();
        double[] cumulative = new double[names.size()];
        double running = 0;
        for (int i = 0; i < names.size(); i++) {
            running += shares.get(names.get(i)) / total;
            cumulative[i] = running;
        }
        return cumulative;
    }

    static int pick(double[] cumulative, double unit) {
        for (int i = 0; i < cumulative.length; i++) {
            if (unit < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }
}
