package org.appealdesk.donation;

import org.appealdesk.appeal.Appeal;

/**
 * A donation locked by a charge-event batch, with its snapshot as the batch moves it. Mutable
 * only within the batch that locked it.
 *
 * @param donorId null for a card gift without a phone number
 * @param donorNumber the donor's stored number, for replies handed to the sender in memory; null
 *                    without a donor or when the number was erased
 * @param shortcode the shortcode replies go from (the one the donor texted)
 */
final class LoadedDonation {
    private final long id;
    private final Appeal appeal;
    private final Long donorId;
    private final OutboxRows.Destination donorNumber;
    private final String network;
    private final String shortcode;
    private final String giftAidToken;
    DonationLifecycle.Snapshot snapshot;

    LoadedDonation(long id, Appeal appeal, Long donorId, OutboxRows.Destination donorNumber, String network, String shortcode, String giftAidToken,
                   DonationLifecycle.Snapshot snapshot) {
        this.id = id;
        this.appeal = appeal;
        this.donorId = donorId;
        this.donorNumber = donorNumber;
        this.network = network;
        this.shortcode = shortcode;
        this.giftAidToken = giftAidToken;
        this.snapshot = snapshot;
    }

    long id() {
        return id;
    }

    Appeal appeal() {
        return appeal;
    }

    Long donorId() {
        return donorId;
    }

    OutboxRows.Destination donorNumber() {
        return donorNumber;
    }

    String network() {
        return network;
    }

    String shortcode() {
        return shortcode;
    }

    String giftAidToken() {
        return giftAidToken;
    }
}
