package org.appealdesk.sim;

import java.util.Arrays;

/**
 * Gives each distinct string key a dense index (0, 1, 2, ... in the order first added), holding the
 * keys as bytes in one array. The simulator remembers every request id and donor of a run; as
 * {@code HashMap<String, Object>} entries with their own strings and records that came to about
 * 600 bytes a charge, most of the simulator's heap (BENCHMARKS.md, "The simulator's records").
 * Here a 30-character request id costs about 50 bytes: its bytes, a start offset, a hash and two
 * slots of the open-addressing index. Callers keep each key's other fields in arrays by index.
 *
 * <p>Keys are never removed. Not thread-safe: callers hold their own lock.
 *
 * <p>A key is stored as one byte per character below 0x80 and as 0xFF plus the character's two
 * bytes otherwise. 0xFF never starts a one-byte character, so the bytes are unambiguous and two
 * keys are equal exactly when their bytes are (UTF-8 would fold unpaired surrogates together).
 */
final class KeyTable {

    private static final int ESCAPE = 0xFF;
    private static final int EMPTY = -1;

    private byte[] bytes = new byte[1 << 10];
    private int bytesUsed;
    /** Where key i starts in {@link #bytes}; key i ends where key i+1 starts (or at bytesUsed). */
    private int[] starts = new int[64];
    private int[] hashes = new int[64];
    private int size;
    /** Open addressing, linear probing: each slot holds a key's index or EMPTY; at most half full. */
    private int[] slots = emptySlots(128);

    int size() {
        return size;
    }

    /** A copy that later additions to this table do not change: for a snapshot. */
    KeyTable copy() {
        KeyTable copy = new KeyTable();
        copy.bytes = Arrays.copyOf(bytes, bytesUsed);
        copy.bytesUsed = bytesUsed;
        copy.starts = Arrays.copyOf(starts, size);
        copy.hashes = Arrays.copyOf(hashes, size);
        copy.size = size;
        copy.slots = slots.clone();
        return copy;
    }

    /** The key's index, or -1 when it was never added. */
    int find(String key) {
        int hash = hash(key);
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int index = slots[slot];
            if (index == EMPTY) {
                return -1;
            }
            if (hashes[index] == hash && matches(index, key)) {
                return index;
            }
        }
    }

    /** The key's index, adding it first when it is new. */
    int findOrAdd(String key) {
        int found = find(key);
        return found >= 0 ? found : add(key);
    }

    /** The key of {@code index}, rebuilt from its bytes. */
    String key(int index) {
        int start = starts[index];
        int end = end(index);
        StringBuilder key = new StringBuilder(end - start);
        for (int at = start; at < end; ) {
            int b = bytes[at] & 0xFF;
            if (b == ESCAPE) {
                key.append((char) (((bytes[at + 1] & 0xFF) << 8) | (bytes[at + 2] & 0xFF)));
                at += 3;
            } else {
                key.append((char) b);
                at++;
            }
        }
        return key.toString();
    }

    /** Adds a key the caller has just found absent ({@link #find} gave -1), without looking for it again; returns its index. */
    int add(String key) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, Column.grown(size));
            hashes = Arrays.copyOf(hashes, Column.grown(size));
        }
        int index = size++;
        starts[index] = bytesUsed;
        hashes[index] = hash(key);
        for (int i = 0; i < key.length(); i++) {
            append(key.charAt(i));
        }
        if (size * 2 > slots.length) {
            rehash(slots.length * 2);
        } else {
            place(index);
        }
        return index;
    }

    private void append(char c) {
        if (bytesUsed + 3 > bytes.length) {
            bytes = Arrays.copyOf(bytes, Column.grown(bytesUsed + 2));
        }
        if (c < 0x80) {
            bytes[bytesUsed++] = (byte) c;
        } else {
            bytes[bytesUsed++] = (byte) ESCAPE;
            bytes[bytesUsed++] = (byte) (c >>> 8);
            bytes[bytesUsed++] = (byte) c;
        }
    }

    private boolean matches(int index, String key) {
        int at = starts[index];
        int end = end(index);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x80) {
                if (at >= end || bytes[at] != (byte) c) {
                    return false;
                }
                at++;
            } else {
                if (at + 3 > end || (bytes[at] & 0xFF) != ESCAPE || bytes[at + 1] != (byte) (c >>> 8) || bytes[at + 2] != (byte) c) {
                    return false;
                }
                at += 3;
            }
        }
        return at == end;
    }

    private int end(int index) {
        return index + 1 < size ? starts[index + 1] : bytesUsed;
    }

    private void rehash(int slotCount) {
        slots = emptySlots(slotCount);
        for (int index = 0; index < size; index++) {
            place(index);
        }
    }

    private void place(int index) {
        int mask = slots.length - 1;
        int slot = hashes[index] & mask;
        while (slots[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = index;
    }

    /** String's own hash, spread so that keys differing only in their last characters still scatter over the low bits. */
    private static int hash(String key) {
        int h = key.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static int[] emptySlots(int count) {
        int[] slots = new int[count];
        Arrays.fill(slots, EMPTY);
        return slots;
    }
}
