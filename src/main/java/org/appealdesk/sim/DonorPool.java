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

    /*
     * Held as six-digit suffixes and network indexes, and made into a Donor when picked: a million
     * Donor records with their PhoneNumber and String objects were about 120 MB of live heap (seen
     * with jmap -histo:live in a benchmark), which the load generator's own collections then had to
     * copy and mark. This way the pool is 5 MB.
     */
    private final int[] suffixes;
    private final byte[] networkIndexes;
    private final List<String> networks;

    private DonorPool(int[] suffixes, byte[] networkIndexes, List<String> networks) {
        this.suffixes = suffixes;
        this.networkIndexes = networkIndexes;
        this.networks = networks;
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
        if (networks.size() > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("at most " + Byte.MAX_VALUE + " networks, got " + networks.size());
        }
        double[] cumulative = cumulative(networks, networkShares);
        byte[] networkIndexes = new byte[size];
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(NUMBERS_MAX - i);
            int chosen = suffixes[j];
            suffixes[j] = suffixes[i];
            suffixes[i] = chosen;
            networkIndexes[i] = (byte) pick(cumulative, random.nextDouble());
        }
        return new DonorPool(java.util.Arrays.copyOf(suffixes, size), networkIndexes, networks);
    }

    Donor pick(SplittableRandom random) {
        return donor(random.nextInt(suffixes.length));
    }

    /** The donor in slot {@code index}, built on demand. */
    Donor donor(int index) {
        StringBuilder digits = new StringBuilder(12).append(PREFIX);
        String suffix = Integer.toString(suffixes[index]);
        digits.repeat('0', 6 - suffix.length()).append(suffix);
        return new Donor(new PhoneNumber(digits.toString()), networks.get(networkIndexes[index]));
    }

    int size() {
        return suffixes.length;
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
