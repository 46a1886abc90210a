package org.appealdesk.sms.smpp;

/** What to send for an outbox message ({@link SubmitRequest}), or why it cannot be sent at all. */
sealed interface SubmitPlan permits SubmitRequest, SubmitPlan.Unroutable {

    /**
     * A message that cannot be sent as the contract requires; refused permanently without
     * touching the network, because sending it any other way could bill wrongly or not at all.
     *
     * @param errorCode what the outbox records, e.g. NO_BILLING_ROUTE
     * @param why       for the log: never a phone number
     */
    record Unroutable(String errorCode, String why) implements SubmitPlan {
    }
}
