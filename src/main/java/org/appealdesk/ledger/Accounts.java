package org.appealdesk.ledger;

/** The account codes the platform uses, in one place so every writer and reader agrees. */
public final class Accounts {

    private Accounts() {
    }

    /** Owed by a network for an appeal's charges; "unknown" when the network was not reported. */
    public static String receivable(String appealSlug, String network) {
        return "appeal:" + appealSlug + ":receivable:" + (network == null ? "unknown" : network);
    }

    /** Held for the charity in one of the appeal's funds. */
    public static String fund(String appealSlug, String fundSlug) {
        return "appeal:" + appealSlug + ":fund:" + fundSlug;
    }

    /** Parts charged for donations that failed: to be refunded or resolved by staff. */
    public static String partialCharges(String appealSlug) {
        return "appeal:" + appealSlug + ":suspense:partial-charges";
    }

    /** Money the networks have paid for an appeal's charges, held until paid to the charity or refunded. */
    public static String cash(String appealSlug) {
        return "appeal:" + appealSlug + ":cash";
    }

    /** Settled money owed to the charity from one fund, not yet reserved for a payout: the charity payable. */
    public static String payable(String appealSlug, String fundSlug) {
        return "appeal:" + appealSlug + ":payable:" + fundSlug;
    }

    /** A fund's money reserved for a prepared payout, until the bank confirms it or it is voided. */
    public static String payoutReserved(String appealSlug, String fundSlug) {
        return "appeal:" + appealSlug + ":payout-reserved:" + fundSlug;
    }

    /** Refunded money the charity had already been paid or promised: kept back from its next payout. */
    public static String recoverable(String appealSlug, String fundSlug) {
        return "appeal:" + appealSlug + ":recoverable:" + fundSlug;
    }

    /** Settlement money that matches no gift here, waiting for a staff decision. */
    public static String unmatchedSettlement(String appealSlug) {
        return "appeal:" + appealSlug + ":suspense:unmatched-settlement";
    }
}
