package org.appealdesk.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.ledger.AccountKind;
import org.appealdesk.ledger.Accounts;
import org.appealdesk.ledger.Journal;
import org.appealdesk.ledger.JournalKind;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.Posting;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Sequences;

/**
 * Payouts to the charity, per fund, in two phases in the ledger: {@link #prepare} reserves the
 * fund's settled money (payable to reserved), then {@link #confirm} with the bank's reference pays
 * it (reserved to out of cash) or {@link #voidPayout} releases it (back to payable).
 *
 * <p>Only settled money can be reserved, because the payable only ever receives settled money; it
 * cannot be reserved twice, because reserving empties it; and two people preparing at once cannot
 * both take it, because every step runs under the appeal's ledger lock (the one every journal of
 * the appeal is written under) and a fund has at most one open payout (a unique index says so too).
 * Money recoverable from the charity (refunds of money it was already paid) is kept back first.
 */
public final class Payouts {

    /** Longest bank reference kept. */
    public static final int BANK_REFERENCE_CHARS_MAX = 100;

    public enum State { RESERVED, PAID, VOID }

    /** A payout as recorded. */
    public record Payout(long id, String appealSlug, String fundSlug, long amountPence, long nettedPence, State state, String preparedBy,
                         Instant preparedAt, String bankReference, String confirmedBy, Instant confirmedAt, String voidedBy, String voidReason) {
        public Payout {
            if (amountPence <= 0 || nettedPence < 0 || state == null || (state == State.PAID) != (bankReference != null)) {
                throw new IllegalArgumentException("payout " + id + " is inconsistent: " + amountPence + " pence, " + nettedPence + " netted, " + state
                        + ", reference " + bankReference);
            }
        }
    }

    /** One fund's outcome of a prepare. */
    public sealed interface FundOutcome {
        record Reserved(Payout payout) implements FundOutcome {
        }

        record NothingToPay(String appealSlug, String fundSlug, String why) implements FundOutcome {
        }
    }

    public sealed interface ChangeOutcome {
        record Changed(Payout payout) implements ChangeOutcome {
        }

        /** The same request again (confirm with the same reference, void twice): nothing changed. */
        record AlreadyDone(Payout payout) implements ChangeOutcome {
        }

        record Refused(String why) implements ChangeOutcome {
        }
    }

    private final Database database;
    private final Ledger ledger;
    private final InstantSource clock;

    public Payouts(Database database, Ledger ledger, InstantSource clock) {
        this.database = database;
        this.ledger = ledger;
        this.clock = clock;
    }

    /** Proposes one payout per fund of the settled money not yet paid or reserved. */
    public List<FundOutcome> prepare(String appealSlug, String by) {
        String who = Refunds.requireText(by, "who");
        return database.inTransaction(connection -> {
            AppealFunds funds = AppealFunds.require(connection, appealSlug);
            Ledger.AppealBatch batch = ledger.openBatch(connection, appealSlug);
            Instant now = clock.instant();
            List<FundOutcome> outcomes = new ArrayList<>();
            for (String fund : funds.funds()) {
                outcomes.add(prepareFund(connection, batch, appealSlug, fund, who, now));
            }
            batch.close();
            return outcomes;
        });
    }

    private FundOutcome prepareFund(Connection connection, Ledger.AppealBatch batch, String slug, String fund, String who, Instant now) throws SQLException {
        Payout open = openPayout(connection, slug, fund);
        if (open != null) {
            return new FundOutcome.NothingToPay(slug, fund, "payout " + open.id() + " of " + Money.ofPence(open.amountPence())
                    + " is reserved: confirm or void it first");
        }
        long payable = Balances.owed(connection, Accounts.payable(slug, fund));
        long recoverable = Balances.of(connection, Accounts.recoverable(slug, fund));
        if (payable < 0) {
            throw new IllegalStateException("the charity payable of " + slug + "/" + fund + " is negative (" + payable + " pence): the ledger is broken");
        }
        long amount = payable - Math.max(0, recoverable);
        if (amount <= 0) {
            return new FundOutcome.NothingToPay(slug, fund, payable == 0 ? "no settled money awaits payout"
                    : "the " + Money.ofPence(recoverable) + " recoverable from the charity covers the "
                    + Money.ofPence(payable) + " settled");
        }
        long netted = payable - amount;
        long id = Sequences.reserve(connection, "payout_id_seq", 1)[0];
        List<Posting> postings = new ArrayList<>(3);
        postings.add(new Posting(Accounts.payable(slug, fund), AccountKind.PAYABLE, payable));
        postings.add(new Posting(Accounts.payoutReserved(slug, fund), AccountKind.PAYABLE, -amount));
        if (netted > 0) {
            postings.add(new Posting(Accounts.recoverable(slug, fund), AccountKind.RECEIVABLE, -netted));
        }
        post(batch, new Journal(slug, JournalKind.PAYOUT_RESERVE, "payout:" + id + ":reserve", null, postings, "payout " + id + " reserved"), now);
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into payout (id, appeal_slug, fund_slug, amount_pence, netted_pence, state, prepared_by, prepared_at)"
                        + " values (?, ?, ?, ?, ?, 'RESERVED', ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, slug);
            insert.setString(3, fund);
            insert.setLong(4, amount);
            insert.setLong(5, netted);
            insert.setString(6, who);
            insert.setTimestamp(7, Timestamp.from(now));
            insert.executeUpdate();
        }
        return new FundOutcome.Reserved(find(connection, id));
    }

    /** The bank paid it: reserved money leaves cash. Confirming again with the same reference changes nothing. */
    public ChangeOutcome confirm(long payoutId, String bankReference, String by) {
        String who = Refunds.requireText(by, "who");
        String reference = Refunds.requireText(bankReference, "bank reference");
        if (reference.length() > BANK_REFERENCE_CHARS_MAX) {
            throw new IllegalArgumentException("bank reference is longer than " + BANK_REFERENCE_CHARS_MAX + " characters");
        }
        return change(payoutId, (connection, batch, payout, now) -> {
            if (payout.state() == State.PAID && reference.equals(payout.bankReference())) {
                return new ChangeOutcome.AlreadyDone(payout);
            }
            if (payout.state() != State.RESERVED) {
                return new ChangeOutcome.Refused("payout " + payoutId + " is " + payout.state() + (payout.bankReference() == null ? "" : " (" + payout.bankReference() + ")"));
            }
            Long other = payoutWithReference(connection, reference);
            if (other != null) {
                return new ChangeOutcome.Refused("bank reference " + reference + " already confirmed payout " + other);
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "update payout set state = 'PAID', bank_reference = ?, confirmed_by = ?, confirmed_at = ? where id = ? and state = 'RESERVED'")) {
                update.setString(1, reference);
                update.setString(2, who);
                update.setTimestamp(3, Timestamp.from(now));
                update.setLong(4, payoutId);
                casOrFail(update, payoutId);
            }
            String slug = payout.appealSlug();
            post(batch, new Journal(slug, JournalKind.PAYOUT_PAID, "payout:" + payoutId + ":paid", null, List.of(
                    new Posting(Accounts.payoutReserved(slug, payout.fundSlug()), AccountKind.PAYABLE, payout.amountPence()),
                    new Posting(Accounts.cash(slug), AccountKind.CASH, -payout.amountPence())), "payout " + payoutId + " paid, bank reference " + reference), now);
            return new ChangeOutcome.Changed(find(connection, payoutId));
        });
    }

    /** Not paid after all: the reserved money (and any recoverable kept back) goes back to the payable. */
    public ChangeOutcome voidPayout(long payoutId, String by, String reason) {
        String who = Refunds.requireText(by, "who");
        String why = Refunds.requireText(reason, "reason");
        return change(payoutId, (connection, batch, payout, now) -> {
            if (payout.state() == State.VOID) {
                return new ChangeOutcome.AlreadyDone(payout);
            }
            if (payout.state() != State.RESERVED) {
                return new ChangeOutcome.Refused("payout " + payoutId + " is " + payout.state() + ": a paid payout cannot be voided");
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "update payout set state = 'VOID', voided_by = ?, voided_at = ?, void_reason = ? where id = ? and state = 'RESERVED'")) {
                update.setString(1, who);
                update.setTimestamp(2, Timestamp.from(now));
                update.setString(3, why);
                update.setLong(4, payoutId);
                casOrFail(update, payoutId);
            }
            String slug = payout.appealSlug();
            List<Posting> postings = new ArrayList<>(3);
            postings.add(new Posting(Accounts.payoutReserved(slug, payout.fundSlug()), AccountKind.PAYABLE, payout.amountPence()));
            if (payout.nettedPence() > 0) {
                postings.add(new Posting(Accounts.recoverable(slug, payout.fundSlug()), AccountKind.RECEIVABLE, payout.nettedPence()));
            }
            postings.add(new Posting(Accounts.payable(slug, payout.fundSlug()), AccountKind.PAYABLE, -(payout.amountPence() + payout.nettedPence())));
            post(batch, new Journal(slug, JournalKind.PAYOUT_RELEASE, "payout:" + payoutId + ":release", null, postings, "payout " + payoutId + " void: " + why), now);
            return new ChangeOutcome.Changed(find(connection, payoutId));
        });
    }

    public List<Payout> list(String appealSlug) {
        return database.inTransaction(connection -> {
            List<Payout> payouts = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(SELECT + " where (?::text is null or appeal_slug = ?) order by id")) {
                select.setString(1, appealSlug);
                select.setString(2, appealSlug);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        payouts.add(read(rows));
                    }
                }
            }
            return payouts;
        });
    }

    @FunctionalInterface
    private interface Change {
        ChangeOutcome apply(Connection connection, Ledger.AppealBatch batch, Payout payout, Instant now) throws SQLException;
    }

    /** Runs a state change under the payout's appeal ledger lock, on the payout as it is once the lock is held. */
    private ChangeOutcome change(long payoutId, Change change) {
        return database.inTransaction(connection -> {
            Payout before = find(connection, payoutId);
            if (before == null) {
                return new ChangeOutcome.Refused("no payout " + payoutId);
            }
            Ledger.AppealBatch batch = ledger.openBatch(connection, before.appealSlug());
            ChangeOutcome outcome = change.apply(connection, batch, find(connection, payoutId), clock.instant());
            batch.close();
            return outcome;
        });
    }

    private static void post(Ledger.AppealBatch batch, Journal journal, Instant now) throws SQLException {
        if (batch.post(List.of(journal), List.of(0L), now).size() != 1) {
            throw new IllegalStateException("journal " + journal.idempotencyKey() + " already existed: the payout table and the ledger disagree");
        }
    }

    private static void casOrFail(PreparedStatement update, long payoutId) throws SQLException {
        if (update.executeUpdate() != 1) {
            // We hold the appeal's ledger lock and read the payout under it: losing this race is a bug.
            throw new IllegalStateException("payout " + payoutId + " changed state under the ledger lock");
        }
    }

    private static final String SELECT = "select id, appeal_slug, fund_slug, amount_pence, netted_pence, state, prepared_by, prepared_at,"
            + " bank_reference, confirmed_by, confirmed_at, voided_by, void_reason from payout";

    private static Payout find(Connection connection, long payoutId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + " where id = ?")) {
            select.setLong(1, payoutId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? read(row) : null;
            }
        }
    }

    private static Payout openPayout(Connection connection, String slug, String fund) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + " where appeal_slug = ? and fund_slug = ? and state = 'RESERVED'")) {
            select.setString(1, slug);
            select.setString(2, fund);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? read(row) : null;
            }
        }
    }

    private static Long payoutWithReference(Connection connection, String reference) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select id from payout where bank_reference = ?")) {
            select.setString(1, reference);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : null;
            }
        }
    }

    private static Payout read(ResultSet row) throws SQLException {
        Timestamp confirmed = row.getTimestamp(11);
        return new Payout(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4), row.getLong(5), State.valueOf(row.getString(6)),
                row.getString(7), row.getTimestamp(8).toInstant(), row.getString(9), row.getString(10), confirmed == null ? null : confirmed.toInstant(),
                row.getString(12), row.getString(13));
    }
}
