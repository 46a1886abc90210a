package org.appealdesk.donation;

import java.time.Duration;
import java.util.Map;
import org.appealdesk.platform.Money;

/**
 * How the platform treats charges in flight.
 *
 * @param reportWait       how long after the network accepts a billed message its report may take
 *                         before the part becomes UNKNOWN
 * @param unknownExpiry    how long an UNKNOWN part waits for a late report before it is taken as
 *                         not charged (the aggregator's time to live, 10-4320 minutes, plus margin)
 * @param claimTimeout     a message claimed for sending but never reported back (the sender died)
 *                         is looked at again after this: free ones are re-sent, billed ones UNKNOWN
 * @param partMaxByNetwork networks that split large gifts, and their largest part
 */
public record ChargeSettings(Duration reportWait, Duration unknownExpiry, Duration claimTimeout, Map<String, Money> partMaxByNetwork) {
    public ChargeSettings {
        if (reportWait.isNegative() || reportWait.isZero() || reportWait.compareTo(Duration.ofDays(3)) > 0) {
            throw new IllegalArgumentException("charging.reportWaitSeconds must be 1 s to 3 days, got " + reportWait);
        }
        if (unknownExpiry.compareTo(reportWait) < 0 || unknownExpiry.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("charging.unknownExpirySeconds must be at least reportWait and at most 30 days, got " + unknownExpiry);
        }
        if (claimTimeout.isNegative() || claimTimeout.isZero() || claimTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("charging.claimTimeoutSeconds must be 1 s to 1 hour, got " + claimTimeout);
        }
        partMaxByNetwork = Map.copyOf(partMaxByNetwork);
        partMaxByNetwork.forEach((network, max) -> {
            if (!max.isPositive()) {
                throw new IllegalArgumentException("charging.splits." + network + " must be positive, got " + max);
            }
        });
    }

    public static ChargeSettings defaults() {
        return new ChargeSettings(Duration.ofMinutes(10), Duration.ofHours(75), Duration.ofMinutes(2), Map.of());
    }
}
