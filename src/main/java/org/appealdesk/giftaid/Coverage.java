package org.appealdesk.giftaid;

/**
 * The one rule for which live declaration covers a donation, as SQL shared by the page, the
 * reminders and the claim export, so the three can never disagree. A declaration covers the gift
 * it was made from; an enduring one (a text donor's) also covers the same donor's gifts to the
 * same charity from four years before it was made onwards, until it is cancelled.
 */
final class Coverage {

    /**
     * A lateral subquery over {@code d} (donation) and {@code a} (appeal) giving the covering
     * declaration's columns as x_*; the earliest live declaration wins.
     */
    static final String COVERING_DECLARATION = "select x.id as x_id, x.donation_id as x_donation_id, x.scope as x_scope, x.title as x_title,"
            + " x.first_name as x_first_name, x.last_name as x_last_name, x.house as x_house, x.postcode as x_postcode, x.made_at as x_made_at"
            + " from gift_aid_declaration x where x.cancelled_at is null and (x.donation_id = d.id"
            + " or (x.donor_id is not null and x.donor_id = d.donor_id and x.charity_name = a.charity_name"
            + " and d.created_at >= x.made_at - interval '4 years'))"
            + " order by x.made_at, x.id limit 1";

    private Coverage() {
    }
}
