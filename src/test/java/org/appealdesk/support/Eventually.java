package org.appealdesk.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for tests: never an open wait. */
public final class Eventually {

    private static final long POLL_MS = 10;

    private Eventually() {
    }

    /** Whether {@code condition} held within {@code deadline}, asked every 10 ms. */
    public static boolean holds(Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() - end < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(POLL_MS);
        }
        return condition.getAsBoolean();
    }
}
