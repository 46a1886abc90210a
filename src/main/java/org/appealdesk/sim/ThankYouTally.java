package org.appealdesk.sim;

/**
 * How the simulator's join of texts to thank-yous went (see {@code ThankYouMatcher}): how many
 * thank-yous were timed, and how much traffic could not be joined, so a reader can judge the
 * text-to-thank-you figures.
 *
 * @param thankYous             free messages taken as the thank-you of a fully billed gift (each timed)
 * @param chargesUnmatched      first attempts at a billed charge that fitted no open gift of the donor
 * @param giftsForgotten        donation texts dropped from a donor's open gifts (a bound reached; mostly never charged)
 * @param freeMessagesUnmatched free messages with no billed gift awaiting thanks (replies to HELP, caps, declines...)
 * @param giftsDeclined         gifts with a part the network did not bill: no thank-you expected
 */
public record ThankYouTally(long thankYous, long chargesUnmatched, long giftsForgotten, long freeMessagesUnmatched, long giftsDeclined) {
}
