package org.appealdesk.sim;

/**
 * Random draws that are a pure function of (seed, purpose, key). The simulator draws a charge's
 * outcome from its request id, an MO's duplication from its moId, and so on, instead of pulling
 * from one shared stream: concurrent submits then get the same outcomes whatever order threads
 * run in, which is what "one seed, same outcomes" needs.
 */
final class Draws {

    static final long OUTCOME = 1;
    static final long DUPLICATE_MO = 2;
    static final long DUPLICATE_MO_DELAY = 3;
    static final long DUPLICATE_RECEIPT = 4;
    static final long LATE_RECEIPT = 5;
    static final long RECEIPT_DELAY = 6;
    static final long THROTTLE = 7;
    static final long IDS = 8;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Draws() {
    }

    /** A uniform double in [0, 1). */
    static double unit(long seed, long purpose, String key) {
        long h = mix(seed + GOLDEN * purpose);
        for (int i = 0; i < key.length(); i++) {
            h = mix(h ^ key.charAt(i));
        }
        return toUnit(h);
    }

    /** A uniform double in [0, 1) for a numeric key. */
    static double unit(long seed, long purpose, long key) {
        return toUnit(mix(mix(seed + GOLDEN * purpose) ^ key));
    }

    /** A uniform long in [0, bound). */
    static long below(double unit, long bound) {
        return Math.min(bound - 1, (long) (unit * bound));
    }

    /** SplitMix64's finaliser: a bijection that scatters nearby inputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double toUnit(long h) {
        return (mix(h) >>> 11) * 0x1.0p-53;
    }
}
