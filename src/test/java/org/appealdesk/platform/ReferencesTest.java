package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot paths' references (V5): checked once per insert statement instead of by row-level
 * foreign keys, with parents kept and references never changed, on the real embedded PostgreSQL.
 */
class ReferencesTest {

    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private Database database;

    @BeforeEach
    void empty() {
        database = TestDatabase.clean();
        database.inTransactionVoid(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute("insert into donor (id, phone_hash, created_at) values (1, '\\x01', now())");
                sql.execute("insert into account (id, code, kind, appeal_slug) overriding system value values (1, 'a', 'CASH', null), (2, 'b', 'FUND', null)");
            }
        });
    }

    @Test
    void aBatchWithOneRowWhoseParentIsMissingIsRefusedWhole() {
        // Proves one text of a batch naming a donor that does not exist fails the statement with the foreign key's SQLSTATE, and no row of it stays.
        assertRefused("insert into inbound_message (id, channel, external_id, donor_id, destination, body, command, received_at)"
                + " values (1, 'smpp', 'a', 1, '70141', 'SUN5', 'DONATE', now()), (2, 'smpp', 'b', 99, '70141', 'SUN5', 'DONATE', now())",
                "inbound_message: donor_id = 99 has no row in donor");
        assertThat(TestDatabase.count(database, "select count(*) from inbound_message")).isZero();
    }

    @Test
    void everyHotReferenceIsChecked() {
        // Proves each of the checked references refuses a missing parent: donation → donor and text, part → donation,
        // outbox and consent → donor, journal → donation, posting → journal and account.
        execute("insert into inbound_message (id, channel, external_id, donor_id, destination, body, command, received_at)"
                + " values (1, 'smpp', 'a', 1, '70141', 'SUN5', 'DONATE', now())");
        String donation = "insert into donation (id, appeal_slug, donor_id, inbound_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                + " values (1, 'sun', %d, %s, 'smpp', 500, false, 'CHARGING', current_date, now())";
        assertRefused(donation.formatted(99, "1"), "donor_id = 99 has no row in donor");
        assertRefused(donation.formatted(1, "98"), "inbound_id = 98 has no row in inbound_message");
        execute(donation.formatted(1, "1"));
        execute(donation.formatted(1, "null").replace("values (1,", "values (2,")); // a web gift has no text
        assertRefused("insert into charge_part (id, donation_id, part_no, amount_pence, request_id, outbox_id, state)"
                + " values (1, 97, 1, 500, 'r1', 1, 'PENDING')", "donation_id = 97 has no row in donation");
        assertRefused("insert into outbox (id, donor_id, kind, shortcode, body, state, due_at, created_at)"
                + " values (1, 96, 'REPLY', '70141', 'hi', 'PENDING', now(), now())", "donor_id = 96 has no row in donor");
        assertRefused("insert into contact_consent (donor_id, organisation, granted, source, stated_at) values (95, 'x', true, 'k', now())",
                "donor_id = 95 has no row in donor");
        assertRefused("insert into journal (id, appeal_slug, kind, idempotency_key, donation_id, created_at) values (1, 'sun', 'CHARGE', 'k1', 94, now())",
                "donation_id = 94 has no row in donation");
        execute("insert into journal (id, appeal_slug, kind, idempotency_key, donation_id, created_at) values (1, 'sun', 'CHARGE', 'k1', 1, now())");
        assertRefused("insert into posting (journal_id, account_id, amount_pence) values (1, 1, 500), (93, 2, -500)",
                "journal_id = 93 has no row in journal");
        assertRefused("insert into posting (journal_id, account_id, amount_pence) values (1, 1, 500), (1, 92, -500)",
                "account_id = 92 has no row in account");
        execute("insert into posting (journal_id, account_id, amount_pence) values (1, 1, 500), (1, 2, -500)");
    }

    @Test
    void parentsAreNeverDeletedOrRenumberedAndReferencesNeverChange() {
        // Proves the rules that make a per-statement check as strong as a foreign key: no parent row deleted or given a new id, no reference moved.
        execute("insert into inbound_message (id, channel, external_id, donor_id, destination, body, command, received_at)"
                + " values (1, 'smpp', 'a', 1, '70141', 'SUN5', 'DONATE', now())");
        assertRefused("delete from donor where id = 1", "DELETE on donor refused");
        assertRefused("update donor set id = 2 where id = 1", "UPDATE on donor refused");
        assertRefused("delete from inbound_message", "DELETE on inbound_message refused");
        assertRefused("delete from account where id = 2", "DELETE on account refused");
        assertRefused("update inbound_message set donor_id = 1", "update of inbound_message.donor_id refused");
        assertRefused("update charge_part set donation_id = 1", "update of charge_part.donation_id refused");
        assertRefused("update outbox set donor_id = 1", "update of outbox.donor_id refused");
        assertRefused("delete from donation", "DELETE on donation refused");
        for (String parent : new String[]{"donor", "inbound_message", "donation", "account", "journal"}) {
            assertRefused("truncate " + parent + " cascade", "TRUNCATE on " + parent + " refused");
        }
        execute("update donor set stopped_at = now() where id = 1"); // other columns change as before
    }

    @Test
    void verifyFindsAReferenceWrittenPastTheChecks() {
        // Proves the second, independent check: a text whose donor is missing (triggers switched off by a superuser) breaks a verify rule.
        database.inTransactionVoid(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute("set local session_replication_role = replica");
                sql.execute("insert into inbound_message (id, channel, external_id, donor_id, destination, body, command, received_at)"
                        + " values (1, 'smpp', 'a', 91, '70141', 'SUN5', 'DONATE', now())");
            }
        });
        LedgerVerifier.Report report = new LedgerVerifier(database).verify();
        assertThat(report.passed()).isFalse();
        assertThat(report.checks()).filteredOn(check -> !check.passed()).singleElement().satisfies(check -> {
            assertThat(check.name()).contains("refers to rows that exist");
            assertThat(check.examples()).containsExactly("row_of=inbound_message, id=1");
        });
    }

    @Test
    void aCheckKeptAsOneGenericPlanStillRefusesAMissingParent() throws SQLException {
        // Proves V12: every check plans once (plan_cache_mode forced generic in the function), and the generic plan,
        // reused past PostgreSQL's five custom plans on one connection with batches of other sizes, still finds a missing parent.
        assertThat(TestDatabase.count(database, "select count(*) from pg_proc where proname like '%\\_references\\_exist'"
                + " and 'plan_cache_mode=force_generic_plan' = any(proconfig)")).isEqualTo(7);
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (int batch = 1; batch <= 10; batch++) {
                statement.execute("insert into contact_consent (donor_id, organisation, granted, source, stated_at)"
                        + " select 1, 'x', true, 'k', now() from generate_series(1, " + (batch * 7 % 11 + 1) + ")");
            }
            assertThatThrownBy(() -> statement.execute("insert into contact_consent (donor_id, organisation, granted, source, stated_at)"
                    + " values (1, 'x', true, 'k', now()), (1, 'x', true, 'k', now()), (95, 'x', true, 'k', now())"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION))
                    .hasMessageContaining("donor_id = 95 has no row in donor");
        }
        assertThat(TestDatabase.count(database, "select count(*) from contact_consent")).isEqualTo(
                java.util.stream.IntStream.rangeClosed(1, 10).map(batch -> batch * 7 % 11 + 1).sum());
    }

    private void execute(String sql) {
        database.inTransactionVoid(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        });
    }


    private void assertRefused(String sql, String message) {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute(sql))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION))
                    .hasMessageContaining(message);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
