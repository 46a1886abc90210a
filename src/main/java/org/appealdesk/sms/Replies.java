package org.appealdesk.sms;

import java.util.List;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.platform.Money;

/**
 * The words of every free reply and billed message, generated from the appeal's configuration so
 * amounts and names are always right. Each reply is built to fit one SMS (160 GSM characters);
 * when a long charity name would push it over, a shorter form is used, never a second message.
 */
public final class Replies {

    private Replies() {
    }

    /** The text of the billed message itself: the donor sees it on the charge. */
    public static String billedMessage(Appeal appeal, Money amount) {
        return fit(
                appeal.charity().name() + ": thank you for your " + amount.format() + " donation.",
                "Thank you for your " + amount.format() + " donation.");
    }

    /** The free thank-you after a successful charge, with the personal Gift Aid link. */
    public static String thankYou(Appeal appeal, Money amount, String giftAidLink) {
        String charity = appeal.charity().name();
        String helpline = appeal.charity().helpline();
        return fit(
                "Thank you for giving " + amount.format() + " to " + charity + ". Add Gift Aid at no cost to you: " + giftAidLink + " Help: " + helpline,
                "Thank you for giving " + amount.format() + " to " + charity + ". Gift Aid: " + giftAidLink,
                "Thank you for your " + amount.format() + " gift. Gift Aid: " + giftAidLink);
    }

    /** The safety net: nothing was charged; here is another way to give. */
    public static String notCharged(Appeal appeal) {
        return fit(
                "Sorry, your donation to " + appeal.charity().name() + " could not be charged to your phone and you have not been charged. Give by card: " + appeal.publicBaseUrl() + "/donate/" + appeal.slug(),
                "Sorry, we could not charge your phone and you have not been charged. Give by card: " + appeal.publicBaseUrl() + "/donate/" + appeal.slug());
    }

    /** Over the per-number daily cap: not charged. */
    public static String dailyCapReached(Appeal appeal) {
        return fit(
                "Thank you! You have reached today's " + appeal.dailyCapPerNumber().format() + " limit for text gifts to " + appeal.charity().name() + ", so this text was not charged. Free msg",
                "You have reached today's " + appeal.dailyCapPerNumber().format() + " limit for text gifts, so this text was not charged. Free msg");
    }

    /** A keyword we know with an amount it does not offer, or an unknown keyword: how to give. */
    public static String howToDonate(Appeal appeal, String shortcode) {
        String keyword = appeal.routes().stream().filter(r -> r.shortcode().equals(shortcode)).findFirst()
                .orElse(appeal.routes().getFirst()).keyword();
        StringBuilder options = new StringBuilder();
        List<Money> prices = appeal.prices();
        for (int i = 0; i < prices.size(); i++) {
            if (i > 0) {
                options.append(i == prices.size() - 1 ? " or " : ", ");
            }
            options.append(keyword).append(prices.get(i).pence() / 100);
        }
        return fit(
                "To give to " + appeal.charity().name() + " text " + options + " to " + shortcode + ". You have not been charged. Free msg",
                "To give text " + options + " to " + shortcode + ". You have not been charged. Free msg");
    }

    /** Nothing on this shortcode matched and no appeal can be guessed: say so without guessing. */
    public static String notRecognised() {
        return "Sorry, we did not recognise that keyword. You have not been charged. Free msg";
    }

    public static String help(Appeal appeal) {
        return fit(
                appeal.charity().name() + " text giving. Help: " + appeal.charity().helpline() + ". Text STOP to stop messages. Free msg",
                "Text giving help: " + appeal.charity().helpline() + ". Text STOP to stop messages. Free msg");
    }

    public static String stopped() {
        return "You will get no more messages from this service. Free msg";
    }

    public static String optedOut() {
        return "You will not be contacted about fundraising. Thank you. Free msg";
    }

    /** The first candidate that fits one message; the last is trimmed as a final resort. */
    private static String fit(String... candidates) {
        for (String candidate : candidates) {
            if (TextCodec.fitsOneMessage(candidate)) {
                return candidate;
            }
        }
        String last = candidates[candidates.length - 1];
        return last.length() > 70 ? last.substring(0, 70) : last;
    }
}
