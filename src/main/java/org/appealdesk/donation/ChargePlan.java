package org.appealdesk.donation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.appealdesk.platform.Money;

/**
 * How a gift becomes charge parts. Some networks take at most £10 a message, so a £20 gift is two
 * £10 charges (two confirmations); the largest part size is configuration per network.
 */
public final class ChargePlan {

    /** No network splits a gift into more parts than this; anything more is a configuration error. */
    public static final int PARTS_MAX = 8;

    private ChargePlan() {
    }

    /** Parts of at most {@code partMaxByNetwork.get(network)} each, the remainder last. */
    public static List<ChargePart> parts(Money amount, String network, Map<String, Money> partMaxByNetwork) {
        Money partMax = network == null ? null : partMaxByNetwork.get(network);
        if (partMax == null || !amount.isGreaterThan(partMax)) {
            return List.of(ChargePart.pending(1, amount));
        }
        List<ChargePart> parts = new ArrayList<>();
        Money left = amount;
        while (left.isPositive()) {
            Money part = Money.min(left, partMax);
            parts.add(ChargePart.pending(parts.size() + 1, part));
            left = left.minus(part);
            if (parts.size() > PARTS_MAX) {
                throw new IllegalArgumentException(amount + " on " + network + " would need more than " + PARTS_MAX + " parts of " + partMax);
            }
        }
        return parts;
    }
}
