package org.appealdesk.settle;

import org.appealdesk.platform.Money;

/** How many lines (or charges) and how much money. */
public record ClassTotal(long count, long pence) {

    public static final ClassTotal NONE = new ClassTotal(0, 0);

    public ClassTotal {
        if (count < 0) {
            throw new IllegalArgumentException("count cannot be negative: " + count);
        }
    }

    public ClassTotal plus(ClassTotal other) {
        return new ClassTotal(count + other.count, Math.addExact(pence, other.pence));
    }

    @Override
    public String toString() {
        return count + " (" + Money.ofPence(pence).format() + ")";
    }
}
