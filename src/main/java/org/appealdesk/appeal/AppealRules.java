package org.appealdesk.appeal;

import org.appealdesk.platform.Money;

/** The regulatory ceilings (DOMAIN.md) and the small validations the appeal records share. */
public final class AppealRules {

    /** Payment Services Regulations 2017: no single third-party charge to a phone bill above £40. */
    public static final Money PER_TEXT_LEGAL_CEILING = Money.ofPounds(40);
    /** Networks' usual per-number daily cap is £30-£40; configurations above £40 are refused. */
    public static final Money DAILY_CAP_LEGAL_CEILING = Money.ofPounds(40);
    public static final Money PER_TEXT_DEFAULT = Money.ofPounds(20);
    public static final Money DAILY_CAP_DEFAULT = Money.ofPounds(30);

    private AppealRules() {
    }

    static void requireText(String value, String setting, int lengthMax) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " is missing");
        }
        if (value.length() > lengthMax) {
            throw new IllegalArgumentException(setting + " is longer than " + lengthMax + " characters");
        }
    }

    static void requireSlug(String value, String setting) {
        if (value == null || !value.matches("[a-z0-9][a-z0-9-]{0,39}")) {
            throw new IllegalArgumentException(setting + " must be 1-40 lower-case letters, digits or '-', got '" + value + "'");
        }
    }
}
