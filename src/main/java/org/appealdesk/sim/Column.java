package org.appealdesk.sim;

import java.util.Arrays;

/**
 * One field of every key in a {@link KeyTable}, by the key's index, in a primitive array that grows
 * as keys are added (by half: a run's last growth leaves at most a third empty). An entry never
 * set reads 0. Not thread-safe: the table's owner holds its lock.
 */
final class Column {

    private Column() {
    }

    /** A column of longs. */
    static final class Longs {
        private long[] values = new long[16];

        long get(int index) {
            return index < values.length ? values[index] : 0;
        }

        void set(int index, long value) {
            if (index >= values.length) {
                values = Arrays.copyOf(values, grown(index));
            }
            values[index] = value;
        }

        void add(int index, long delta) {
            set(index, get(index) + delta);
        }

        /** A copy of the first {@code size} entries that later changes to this column do not reach. */
        Longs copy(int size) {
            Longs copy = new Longs();
            copy.values = Arrays.copyOf(values, Math.min(size, values.length));
            return copy;
        }
    }

    /** A column of ints: counts, prices in pence, an enum's ordinal. */
    static final class Ints {
        private int[] values = new int[16];

        int get(int index) {
            return index < values.length ? values[index] : 0;
        }

        void set(int index, int value) {
            if (index >= values.length) {
                values = Arrays.copyOf(values, grown(index));
            }
            values[index] = value;
        }

        /** Adds one and returns the new count. */
        int increment(int index) {
            int count = get(index) + 1;
            set(index, count);
            return count;
        }

        /** A copy of the first {@code size} entries that later changes to this column do not reach. */
        Ints copy(int size) {
            Ints copy = new Ints();
            copy.values = Arrays.copyOf(values, Math.min(size, values.length));
            return copy;
        }
    }

    /** Room for {@code index} and about half as many again. */
    static int grown(int index) {
        return Math.max(16, index + 1 + (index >> 1));
    }
}
