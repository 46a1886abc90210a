package org.appealdesk.sms;

import org.appealdesk.appeal.Appeal;
import org.appealdesk.platform.Money;

/**
 * What a donor's text means, as decided by {@link KeywordParser}. A closed set: every consumer
 * switches over it exhaustively, so a new kind of text does not compile until it is handled.
 *
 * <p>Only {@link Donate} ever leads to a charge. Whenever the parser is in doubt it returns one of
 * the other cases, which get a free reply.
 */
public sealed interface TextCommand {

    /** A gift: the keyword matched an appeal's route exactly and the amount is offered. */
    record Donate(Appeal appeal, Money amount, boolean noContact) implements TextCommand {
        public Donate {
            if (!appeal.offers(amount)) {
                throw new IllegalArgumentException("appeal " + appeal.slug() + " does not offer " + amount);
            }
        }
    }

    /** STOP or STOP ALL: end all further messages (marketing and service alike). */
    record Stop(boolean all) implements TextCommand {
    }

    /** END, NOINFO or NOCALL on their own: opt out of contact; confirmed free. */
    record OptOut(OptOutKind kind) implements TextCommand {
    }

    /** HELP: a free reply naming the charity and a contact. */
    record Help(String shortcode) implements TextCommand {
    }

    /** The keyword matched but the amount is not one the appeal offers (or exceeds the maximum). */
    record AmountNotOffered(Appeal appeal, String askedText) implements TextCommand {
    }

    /** Nothing matched: unknown keyword, empty text, or anything in doubt. Never charged. */
    record NotUnderstood(String shortcode) implements TextCommand {
    }

    enum OptOutKind { END, NOINFO, NOCALL }
}
