package org.appealdesk.ledger;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A balanced set of postings written at once. The constructor refuses an unbalanced journal: that
 * is a programmer error, and the first of the two independent checks (the second is SQL, in verify).
 *
 * @param idempotencyKey unique forever; posting a journal whose key exists changes nothing
 */
public record Journal(String appealSlug, JournalKind kind, String idempotencyKey, Long donationId, List<Posting> postings, String memo) {

    public static final int POSTINGS_MAX = 16;

    public Journal {
        postings = List.copyOf(postings);
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new IllegalArgumentException("journal needs an idempotency key of 1-200 characters");
        }
        if (postings.size() < 2 || postings.size() > POSTINGS_MAX) {
            throw new IllegalArgumentException("journal " + idempotencyKey + " has " + postings.size() + " postings; 2-" + POSTINGS_MAX + " allowed");
        }
        long sum = 0;
        Set<String> accounts = new HashSet<>();
        for (Posting posting : postings) {
            sum = Math.addExact(sum, posting.amountPence());
            if (!accounts.add(posting.accountCode())) {
                throw new IllegalArgumentException("journal " + idempotencyKey + " posts twice to " + posting.accountCode());
            }
        }
        if (sum != 0) {
            throw new IllegalArgumentException("journal " + idempotencyKey + " does not balance: postings sum to " + sum + " pence");
        }
    }
}
