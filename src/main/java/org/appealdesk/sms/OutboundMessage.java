package org.appealdesk.sms;

import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneNumber;

/**
 * A message the platform wants sent, claimed from the outbox by an adapter.
 *
 * @param id         the outbox row; report back with it
 * @param price      for a billed message (a charge part), the amount to bill; null for a free one
 * @param requestId  for a billed message, the charge request id stored before sending (unique
 *                   forever, at most 80 characters); an adapter passes it to the network where
 *                   the network accepts one; null for a free message
 * @param network    the donor's network when known, for adapters that route per network
 */
public record OutboundMessage(long id, PhoneNumber destination, String shortcode, String text, Money price, String requestId, String network) {

    public boolean isBilled() {
        return price != null;
    }
}
