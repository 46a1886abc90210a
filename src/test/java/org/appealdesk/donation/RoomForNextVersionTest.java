package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.sms.Replies;
import org.appealdesk.support.Eventually;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * V13: a batch of rows written together, then each changed once, keeps every new version on its
 * own page, so the change touches no index (HOT) unless it changes an indexed column. Counted by
 * PostgreSQL itself for the one transaction (pg_stat_xact_user_tables), on the real tables. Each
 * batch is changed in one statement, the worst case: no old version can be pruned in between.
 * With the fillfactor of 80 that V8, V10 and V11 set, most of the new versions went to another page.
 */
class RoomForNextVersionTest {

    /** Rows a batch writes; more than a page holds, so a batch fills whole pages as the writers' do. */
    private static final int BATCH = 400;
    private static final int RECEIPT_BATCHES = 4;
    private static final Appeal APPEAL = Fixtures.referenceAppeal(1_000_000);
    private static final Money FIVE_POUNDS = Money.ofPounds(5);
    /**
     * As long as a UUID, as some aggregators' are (the simulator's are hex counters): the id is
     * what a message's and a part's next version adds, so the longer it is the less fits.
     */
    private static final String MESSAGE_ID = "gen_random_uuid()::text";
    /** The part's request id as RequestIds writes it: "ap", the id in 16 hex digits, 12 random characters. */
    private static final String REQUEST_ID = "'ap' || lpad(upper(to_hex(g)), 16, '0') || substr(md5(g::text), 1, 12)";

    private Database database;

    @BeforeEach
    void batchesWritten() {
        // Rows as wide as the writers write them, or narrower where that is stricter: a billed message's page holds
        // the most rows, so it needs the most room for their next versions.
        database = TestDatabase.clean();
        execute("insert into donor (id, phone_hash, created_at) values (1, '\\x01', now())");
        execute("insert into inbound_message (id, channel, external_id, donor_id, destination, body, command, received_at)"
                + " select g, 'smpp', 'mo-' || g, 1, '70141', 'SUN5', 'DONATE', now() from generate_series(1, " + BATCH + ") g");
        execute("insert into donation (id, appeal_slug, donor_id, inbound_id, channel, amount_pence, no_contact, network, state, uk_day,"
                + " created_at, gift_aid_token) select g, 'sun-ukraine', 1, g, 'smpp', 500, false, 'EE', 'CHARGING', current_date, now(),"
                + " substr(md5(g::text), 1, 16) from generate_series(1, " + BATCH + ") g");
        execute("insert into charge_part (id, donation_id, part_no, amount_pence, request_id, outbox_id, state)"
                + " select g, g, 1, 500, " + REQUEST_ID + ", g, 'PENDING' from generate_series(1, " + BATCH + ") g");
        // The acting stage writes a batch of billed messages (ids 1-400), the charge events a batch of thank-yous
        // (401-800); each handed to a sender at once (SENDING, claimed).
        execute(outbox("'CHARGE'", literal(Replies.billedMessage(APPEAL, FIVE_POUNDS)), "500", REQUEST_ID, 0));
        execute(outbox("'THANK_YOU'", literal(Replies.thankYou(APPEAL, FIVE_POUNDS, APPEAL.publicBaseUrl() + "/g/0123456789abcdef")),
                "null", "null", BATCH));
    }

    @Test
    void aSentMessageStaysOnItsPageAndTouchesNoIndex() {
        // Proves the outbox's change to SENT (the columns of the charge-events writer's statement) is HOT for every row
        // of a batch of billed messages and of a batch of thank-yous.
        assertThat(change("outbox", "update outbox set state = 'SENT', network_message_id = " + MESSAGE_ID + " where kind = 'CHARGE'"))
                .isEqualTo(new Versions(BATCH, BATCH, 0));
        assertThat(change("outbox", "update outbox set state = 'SENT', network_message_id = " + MESSAGE_ID + " where kind = 'THANK_YOU'"))
                .isEqualTo(new Versions(BATCH, BATCH, 0));
    }

    @Test
    void aChargedDonationStaysOnItsPageAndTouchesNoIndex() {
        // Proves a donation's change to CHARGED (state, reason, resolved_at) is HOT for every row of a batch.
        assertThat(change("donation", "update donation set state = 'CHARGED', reason = null, permanent = null, resolved_at = now()"))
                .isEqualTo(new Versions(BATCH, BATCH, 0));
    }

    @Test
    void aPartsAcceptanceStaysOnItsPageAndItsReceiptsTouchNoIndex() throws InterruptedException {
        // Proves the part's two changes. Its acceptance sets the message id and time, which indexes read, so it cannot be HOT,
        // but every new version still fits on its page, even with the whole batch accepted at once. The receipts come back
        // over the next moments in several batches, here four, each finding room where the versions from before the
        // acceptance were pruned.
        assertThat(change("charge_part", "update charge_part set state = 'SUBMITTED', network_message_id = " + MESSAGE_ID + ", submitted_at = now()"))
                .isEqualTo(new Versions(BATCH, 0, 0));
        for (int batch = 0; batch < RECEIPT_BATCHES; batch++) {
            awaitNoOtherSnapshot();
            assertThat(change("charge_part", "update charge_part set state = 'CHARGED', resolved_at = now() where id % " + RECEIPT_BATCHES + " = " + batch))
                    .as("receipt batch %d", batch)
                    .isEqualTo(new Versions(BATCH / RECEIPT_BATCHES, BATCH / RECEIPT_BATCHES, 0));
        }
    }

    /** What one transaction's updates of a table did: rows changed, of which HOT, and of which put on another page. */
    private record Versions(long updated, long hot, long onAnotherPage) {
    }

    /**
     * What one update did, in its own transaction. The counters are read before and after it: they
     * also hold the session's earlier transactions until PostgreSQL flushes them.
     */
    private Versions change(String table, String update) {
        return database.inTransaction(connection -> {
            Versions before = versions(connection, table);
            try (Statement sql = connection.createStatement()) {
                sql.executeUpdate(update);
            }
            Versions after = versions(connection, table);
            return new Versions(after.updated - before.updated, after.hot - before.hot, after.onAnotherPage - before.onAnotherPage);
        });
    }

    private static Versions versions(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select n_tup_upd, n_tup_hot_upd, n_tup_newpage_upd from pg_stat_xact_user_tables where relname = ?")) {
            select.setString(1, table);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new Versions(row.getLong(1), row.getLong(2), row.getLong(3));
            }
        }
    }

    /** One statement writing a batch of messages of one kind, ids after {@code firstIdAfter}. */
    private static String outbox(String kind, String body, String price, String requestId, int firstIdAfter) {
        return "insert into outbox (id, donor_id, kind, shortcode, body, price_pence, request_id, network, state, due_at, claimed_at, created_at)"
                + " select g, 1, " + kind + ", '70905', " + body + ", " + price + ", " + requestId + ", 'EE', 'SENDING', now(), now(), now()"
                + " from generate_series(" + (firstIdAfter + 1) + ", " + (firstIdAfter + BATCH) + ") g";
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * Waits until no other session of this database holds a snapshot or a transaction id (an
     * autovacuum worker analysing a table, say): until then the old versions the last change left
     * are not yet dead to everyone, PostgreSQL cannot prune them, and the next change would find
     * the page full however much room V13 left.
     */
    private void awaitNoOtherSnapshot() throws InterruptedException {
        assertThat(Eventually.holds(Duration.ofSeconds(10), () -> TestDatabase.count(database,
                "select count(*) from pg_stat_activity where pid <> pg_backend_pid() and (datname = current_database() or datid is null)"
                        + " and (backend_xmin is not null or backend_xid is not null)") == 0))
                .as("another session kept a snapshot for 10 s").isTrue();
    }

    private void execute(String sql) {
        TestDatabase.execute(database, sql);
    }
}
