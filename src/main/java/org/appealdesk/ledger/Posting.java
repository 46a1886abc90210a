package org.appealdesk.ledger;

/** One line of a journal: signed pence on an account (debit positive, credit negative). */
public record Posting(String accountCode, AccountKind kind, long amountPence) {
    public Posting {
        if (accountCode == null || accountCode.isBlank() || accountCode.length() > 200) {
            throw new IllegalArgumentException("posting needs an account code of 1-200 characters");
        }
        if (amountPence == 0) {
            throw new IllegalArgumentException("posting to " + accountCode + " of zero pence: leave it out");
        }
    }
}
