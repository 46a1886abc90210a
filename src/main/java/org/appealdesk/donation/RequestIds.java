package org.appealdesk.donation;

import java.util.HexFormat;
import org.appealdesk.platform.Tokens;

/**
 * The request id of a charge part, generated and stored before the charge is sent, and unique
 * forever (the aggregator and Stripe refuse or deduplicate a repeat): "ap", the part's id as 16
 * upper-case hexadecimal digits, then 12 random base-62 characters.
 *
 * <p>The id comes first so that new request ids sort after every earlier one: their unique index
 * then grows at its right edge, on a page already in memory. Fully random ids (as before) put each
 * part's entry, at its insert and again at its acceptance, on a random page of that index: 15 µs
 * of PostgreSQL a gift more (BENCHMARKS.md, "Random keys out of the indexes"). Fixed-width digits
 * and capitals keep that order under the C collation and the usual linguistic ones alike, and
 * "ap" sorts after every id of the old form ("ad" and 24 random characters), so a database that
 * holds those still grows at the edge rather than at one point in their middle. The
 * random part keeps ids unique across installations, or a database rebuilt from nothing, that
 * share an aggregator account; an id alone would repeat there.
 */
final class RequestIds {

    /** Random characters after the part id: about 71 bits. */
    private static final int RANDOM_LENGTH = 12;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private RequestIds() {
    }

    static String forPart(long partId) {
        if (partId < 0) {
            throw new IllegalArgumentException("a charge part id is 0 or more, got " + partId);
        }
        return "ap" + HEX.toHexDigits(partId) + Tokens.random(RANDOM_LENGTH);
    }
}
