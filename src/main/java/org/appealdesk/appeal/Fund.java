package org.appealdesk.appeal;

import org.appealdesk.platform.Money;

/**
 * A restricted fund at the charity that receives an appeal's money.
 *
 * @param slug lower-case id used in ledger account codes ("ukraine-crisis")
 * @param cap  the most this fund takes before surplus overflows; null means no cap
 */
public record Fund(String slug, String name, Money cap) {
    public Fund {
        AppealRules.requireSlug(slug, "fund.slug");
        AppealRules.requireText(name, "fund.name", 80);
        if (cap != null && !cap.isPositive()) {
            throw new IllegalArgumentException("fund.cap of " + slug + " must be positive when given, got " + cap);
        }
    }

    public boolean hasCap() {
        return cap != null;
    }
}
