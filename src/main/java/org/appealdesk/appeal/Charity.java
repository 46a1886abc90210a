package org.appealdesk.appeal;

/**
 * The registered charity an appeal raises money for.
 *
 * @param helpline a phone number or address donors can contact; printed in free replies
 */
public record Charity(String name, String registeredNumber, String helpline) {
    public Charity {
        AppealRules.requireText(name, "charity.name", 80);
        AppealRules.requireText(registeredNumber, "charity.registeredNumber", 20);
        AppealRules.requireText(helpline, "charity.helpline", 40);
    }
}
