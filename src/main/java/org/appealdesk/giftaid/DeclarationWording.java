package org.appealdesk.giftaid;

import java.util.List;
import org.appealdesk.platform.Money;

/**
 * HMRC's model Gift Aid declaration wording, filled in from the gift. A text donor is known by
 * their phone (a pseudonymous donor), so their declaration can also cover their other gifts to the
 * same charity ("enduring", HMRC's multiple-donation form); a card donor is known only by the gift,
 * so theirs covers that gift ("single"). The words shown are stored with the declaration: the audit
 * trail says exactly what the donor agreed to.
 *
 * @param intro     why the address is asked for
 * @param statement the declaration itself, beside the box the donor ticks
 * @param taxpayer  the taxpayer's confirmation HMRC requires
 * @param notes     what to tell the charity later
 */
public record DeclarationWording(Scope scope, String intro, String statement, String taxpayer, List<String> notes) {

    /** Which gifts a declaration covers. */
    public enum Scope { SINGLE, ENDURING }

    public static DeclarationWording of(Scope scope, String charityName, Money amount) {
        String statement = switch (scope) {
            case SINGLE -> "I want to Gift Aid my donation of " + amount.format() + " to " + charityName + ".";
            case ENDURING -> "I want to Gift Aid my donation of " + amount.format() + " and any donations I make in the future or have made in the past 4 years to "
                    + charityName + " (gifts from this mobile number through this appeal service).";
        };
        return new DeclarationWording(scope,
                "Boost your donation by 25p of Gift Aid for every £1 you donate. Gift Aid is reclaimed by the charity from the tax you pay for the current tax year."
                        + " Your address is needed to identify you as a current UK taxpayer.",
                statement,
                "I am a UK taxpayer and understand that if I pay less Income Tax and/or Capital Gains Tax than the amount of Gift Aid claimed on all my donations"
                        + " in that tax year it is my responsibility to pay any difference.",
                List.of("Please tell " + charityName + " if you want to cancel this declaration, change your name or home address, or no longer pay"
                                + " sufficient tax on your income and/or capital gains. You can also cancel it on this page.",
                        "If you pay Income Tax at the higher or additional rate and want to receive the additional tax relief due to you, you must include"
                                + " all your Gift Aid donations on your Self-Assessment tax return or ask HM Revenue and Customs to adjust your tax code."));
    }

    /** The words stored with the declaration: what the donor ticked and confirmed. */
    public String agreedText() {
        return statement + " " + taxpayer;
    }
}
