package org.appealdesk.giftaid;

import java.time.Instant;

/** One line of a donation's Gift Aid audit trail. */
public record AuditEntry(long donationId, Long declarationId, String kind, String detail, Instant at) {
}
