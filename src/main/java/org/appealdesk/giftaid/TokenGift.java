package org.appealdesk.giftaid;

import java.time.Instant;
import java.util.Optional;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.platform.Money;

/**
 * One donation as its personal Gift Aid link shows it: what was given, to whom, whether it was
 * charged, and the live declaration that covers it, if any. Carries no phone number.
 *
 * @param state      the donation's state code: CHARGING, CHARGED, UNKNOWN, FAILED or REJECTED
 * @param declaration the live declaration covering this gift (its own, or the donor's enduring one)
 * @param claimed    true once Gift Aid on this gift was claimed from HMRC
 */
public record TokenGift(long donationId, Appeal appeal, Money amount, String channel, String state, Instant madeAt,
                        boolean knownDonor, Optional<DeclarationView> declaration, boolean claimed) {

    /** Only a gift that was or may yet be charged can carry Gift Aid; a failed or refused one cannot. */
    public boolean mayDeclare() {
        return !"FAILED".equals(state) && !"REJECTED".equals(state);
    }

    public boolean isCharged() {
        return "CHARGED".equals(state);
    }

    public DeclarationWording.Scope scope() {
        return knownDonor ? DeclarationWording.Scope.ENDURING : DeclarationWording.Scope.SINGLE;
    }

    public DeclarationWording wording() {
        return DeclarationWording.of(scope(), appeal.charity().name(), amount);
    }
}
