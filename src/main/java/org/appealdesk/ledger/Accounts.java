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
}
