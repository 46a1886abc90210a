package org.appealdesk.giftaid;

import org.appealdesk.appeal.Appeal;
import org.appealdesk.sms.TextCodec;

/**
 * The words of the one free Gift Aid reminder, in the style of the other replies (sms.Replies):
 * generated from the appeal, fitted to one message (160 GSM characters), with a shorter form when a
 * long charity name would not fit, never a second message.
 */
public final class ReminderText {

    private ReminderText() {
    }

    public static String of(Appeal appeal, String giftAidLink) {
        String charity = appeal.charity().name();
        return fit(
                "Thank you for giving to " + charity + ". If you pay UK tax, add Gift Aid at no cost to you: " + giftAidLink + " Text STOP to stop. Free msg",
                "Thank you for giving to " + charity + ". Add Gift Aid at no cost to you: " + giftAidLink + " Free msg",
                "Add Gift Aid to your gift at no cost to you: " + giftAidLink + " Free msg");
    }

    private static String fit(String... candidates) {
        for (String candidate : candidates) {
            if (TextCodec.fitsOneMessage(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no Gift Aid reminder fits one message; the link is too long: " + candidates[candidates.length - 1].length() + " characters");
    }
}
