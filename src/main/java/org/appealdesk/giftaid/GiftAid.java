package org.appealdesk.giftaid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Sequences;
import org.appealdesk.platform.Tokens;

/**
 * Gift Aid declarations made through a donation's personal link (the thank-you text's
 * {@code /g/TOKEN}, or the page after a card gift), their cancellation, and the audit trail from
 * each donation to the declaration that covers it. The token is the only key: whoever holds the
 * link may declare for that gift, as whoever holds the phone may give from it.
 *
 * <p>Declaring is one transaction (the declaration and its audit line, or neither); a second
 * submission of the same form finds the first declaration and stores nothing.
 */
public final class GiftAid {

    /**
     * Tokens are base-62 (platform Tokens): 12 characters before V9, 13-23 since (the id, then 12
     * random); anything else is not looked up at all.
     */
    private static final Pattern TOKEN = Pattern.compile("[0-9A-Za-z]{12,23}");
    /** Tokens issued before V9: random characters only, no donation id. */
    private static final int LEGACY_TOKEN_LENGTH = 12;
    /**
     * Finds a token issued before V9. It must repeat the predicate of V9's index
     * donation_gift_aid_token_legacy word for word (length 12), or the index cannot serve it.
     */
    static final String LEGACY_TOKEN_WHERE = " where length(d.gift_aid_token) = " + LEGACY_TOKEN_LENGTH + " and d.gift_aid_token = ?";

    /** What declaring did. */
    public sealed interface DeclareResult {
        record Declared(DeclarationView declaration) implements DeclareResult {
        }

        /** A live declaration already covers this gift: nothing was stored. */
        record AlreadyCovered(DeclarationView declaration) implements DeclareResult {
        }

        /** The gift was not charged (failed or refused), so it cannot carry Gift Aid. */
        record NotEligible(String reason) implements DeclareResult {
        }

        record NoSuchGift() implements DeclareResult {
        }
    }

    /** What cancelling did. */
    public sealed interface CancelResult {
        /** @param claimedAlready gifts under it were claimed before the cancellation; those claims stand */
        record Cancelled(DeclarationView declaration, boolean claimedAlready) implements CancelResult {
        }

        record NothingToCancel() implements CancelResult {
        }

        record NoSuchGift() implements CancelResult {
        }
    }

    private final Database database;
    private final AppealCatalog catalog;
    private final InstantSource clock;

    public GiftAid(Database database, AppealCatalog catalog, InstantSource clock) {
        this.database = database;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** True when {@code token} could be a gift link at all (checked before any database work). */
    public static boolean looksLikeToken(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    /** The gift behind a personal link; empty for a malformed or unknown token. */
    public Optional<TokenGift> gift(String token) {
        if (!looksLikeToken(token)) {
            return Optional.empty();
        }
        return database.inTransaction(connection -> Optional.ofNullable(load(connection, token)));
    }

    public DeclareResult declare(String token, Declaration declaration) {
        if (!looksLikeToken(token)) {
            return new DeclareResult.NoSuchGift();
        }
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            TokenGift gift = load(connection, token);
            if (gift == null) {
                return new DeclareResult.NoSuchGift();
            }
            if (gift.declaration().isPresent()) {
                return new DeclareResult.AlreadyCovered(gift.declaration().get());
            }
            if (!gift.mayDeclare()) {
                return new DeclareResult.NotEligible("this gift was not charged, so there is no Gift Aid to claim on it");
            }
            long id = Sequences.reserve(connection, "gift_aid_declaration_id_seq", 1)[0];
            DeclarationWording wording = gift.wording();
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into gift_aid_declaration (id, donation_id, donor_id, charity_name, scope, title, first_name, last_name, house, postcode, wording, made_at)"
                            + " select ?, d.id, case when ? then d.donor_id end, a.charity_name, ?, ?, ?, ?, ?, ?, ?, ?"
                            + " from donation d join appeal a on a.slug = d.appeal_slug where d.id = ?"
                            + " on conflict (donation_id) where cancelled_at is null do nothing")) {
                insert.setLong(1, id);
                insert.setBoolean(2, gift.scope() == DeclarationWording.Scope.ENDURING);
                insert.setString(3, gift.scope().name());
                insert.setString(4, declaration.title());
                insert.setString(5, declaration.firstName());
                insert.setString(6, declaration.lastName());
                insert.setString(7, declaration.house());
                insert.setString(8, declaration.postcode());
                insert.setString(9, wording.agreedText());
                insert.setTimestamp(10, Timestamp.from(now));
                insert.setLong(11, gift.donationId());
                if (insert.executeUpdate() == 0) {
                    // Another submission of the same form won the race: show the one it stored.
                    TokenGift again = load(connection, token);
                    return new DeclareResult.AlreadyCovered(again.declaration().orElseThrow());
                }
            }
            audit(connection, gift.donationId(), id, "DECLARED", wording.scope() + " declaration for " + gift.appeal().charity().name(), now);
            return new DeclareResult.Declared(new DeclarationView(id, gift.donationId(), gift.scope(), declaration.firstName(),
                    declaration.lastName(), declaration.postcode(), now));
        });
    }

    /** Cancels the live declaration covering this gift (its own or the donor's enduring one). */
    public CancelResult cancel(String token) {
        if (!looksLikeToken(token)) {
            return new CancelResult.NoSuchGift();
        }
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            TokenGift gift = load(connection, token);
            if (gift == null) {
                return new CancelResult.NoSuchGift();
            }
            if (gift.declaration().isEmpty()) {
                return new CancelResult.NothingToCancel();
            }
            DeclarationView declaration = gift.declaration().get();
            try (PreparedStatement update = connection.prepareStatement(
                    "update gift_aid_declaration set cancelled_at = ? where id = ? and cancelled_at is null")) {
                update.setTimestamp(1, Timestamp.from(now));
                update.setLong(2, declaration.id());
                if (update.executeUpdate() == 0) {
                    return new CancelResult.NothingToCancel();
                }
            }
            boolean claimed;
            try (PreparedStatement select = connection.prepareStatement("select exists (select 1 from gift_aid_claim where declaration_id = ?)")) {
                select.setLong(1, declaration.id());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    claimed = row.getBoolean(1);
                }
            }
            audit(connection, gift.donationId(), declaration.id(), "CANCELLED",
                    "cancelled by the donor" + (claimed ? "; gifts claimed before this stay claimed" : ""), now);
            return new CancelResult.Cancelled(declaration, claimed);
        });
    }

    /** Every Gift Aid event of one donation, oldest first: declared, reminded, claimed, cancelled. */
    public List<AuditEntry> trail(long donationId) {
        return database.inTransaction(connection -> {
            List<AuditEntry> entries = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select declaration_id, kind, detail, at from gift_aid_event where donation_id = ? order by id")) {
                select.setLong(1, donationId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new AuditEntry(donationId, (Long) rows.getObject(1), rows.getString(2), rows.getString(3), rows.getTimestamp(4).toInstant()));
                    }
                }
            }
            return entries;
        });
    }

    /**
     * Finds the gift by the donation id its token names (platform Tokens.keyed), then checks the
     * whole token. Tokens issued before V9 are 12 random characters with no id: those are found
     * through the index V9 keeps for them alone.
     */
    private TokenGift load(Connection connection, String token) throws SQLException {
        OptionalLong donationId = Tokens.keyOf(token);
        boolean legacy = token.length() == LEGACY_TOKEN_LENGTH;
        if (donationId.isEmpty() && !legacy) {
            return null;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select d.id, d.appeal_slug, d.amount_pence, d.channel, d.state, d.created_at, d.donor_id is not null,"
                        + " exists (select 1 from gift_aid_claim c where c.donation_id = d.id), cov.*"
                        + " from donation d join appeal a on a.slug = d.appeal_slug"
                        + " left join lateral (" + Coverage.COVERING_DECLARATION + ") cov on true"
                        + (legacy ? LEGACY_TOKEN_WHERE : " where d.id = ? and d.gift_aid_token = ?"))) {
            if (legacy) {
                select.setString(1, token);
            } else {
                select.setLong(1, donationId.getAsLong());
                select.setString(2, token);
            }
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                Optional<Appeal> appeal = catalog.bySlug(row.getString(2));
                if (appeal.isEmpty()) {
                    return null; // an appeal no longer configured: its links lead nowhere
                }
                long declarationId = row.getLong("x_id");
                Optional<DeclarationView> declaration = row.wasNull() ? Optional.empty() : Optional.of(new DeclarationView(declarationId,
                        row.getLong("x_donation_id"), DeclarationWording.Scope.valueOf(row.getString("x_scope")), row.getString("x_first_name"),
                        row.getString("x_last_name"), row.getString("x_postcode"), row.getTimestamp("x_made_at").toInstant()));
                return new TokenGift(row.getLong(1), appeal.get(), Money.ofPence(row.getLong(3)), row.getString(4), row.getString(5),
                        row.getTimestamp(6).toInstant(), row.getBoolean(7), declaration, row.getBoolean(8));
            }
        }
    }

    static void audit(Connection connection, long donationId, Long declarationId, String kind, String detail, Instant at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into gift_aid_event (donation_id, declaration_id, kind, detail, at) values (?, ?, ?, ?, ?)")) {
            insert.setLong(1, donationId);
            insert.setObject(2, declarationId);
            insert.setString(3, kind);
            insert.setString(4, detail);
            insert.setTimestamp(5, Timestamp.from(at));
            insert.executeUpdate();
        }
    }
}
