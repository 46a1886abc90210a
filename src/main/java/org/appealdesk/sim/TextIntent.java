package org.appealdesk.sim;

/**
 * What the simulated donor meant by a text: the ground truth the ESME's keyword parser is judged
 * against. Only the two DONATE intents may ever lead to a charge.
 */
public enum TextIntent {
    /** Keyword and an offered amount: a gift, opted in to contact. */
    DONATE,
    /** KEYWORDNOINFO and an offered amount: a gift, no contact. */
    DONATE_NO_CONTACT,
    /** A near-miss or unrelated keyword: never charged, however close it looks. */
    WRONG_KEYWORD,
    /** The right keyword with an amount the appeal does not offer: never charged. */
    AMOUNT_NOT_OFFERED,
    /** HELP: a free reply. */
    HELP,
    /** STOP: ends further messages; never charged. */
    STOP,
    /** Anything else that must not be charged. */
    OTHER_FREE;

    public boolean isDonation() {
        return this == DONATE || this == DONATE_NO_CONTACT;
    }
}
