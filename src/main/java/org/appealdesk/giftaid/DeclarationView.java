package org.appealdesk.giftaid;

import java.time.Instant;

/** A live declaration as the donor's page shows it back: enough to recognise it, nothing more. */
public record DeclarationView(long id, long madeFromDonationId, DeclarationWording.Scope scope, String firstName, String lastName,
                              String postcode, Instant madeAt) {
}
