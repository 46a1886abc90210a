package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.Database;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * A donation's state change is a HOT update (V6): no index covers what the charge-events writer
 * changes, and pages keep room for the new version. On the real embedded PostgreSQL.
 */
class DonationHotUpdatesTest {

    /** The columns ChargeEventBatch's donation update sets. */
    private static final List<String> CHANGED = List.of("state", "reason", "permanent", "resolved_at");
    private static final int ROWS = 500;
    private static final int BATCH = 50;

    @Test
    void noIndexOfDonationCoversAColumnThatAStateChangeWrites() {
        // Proves: no index of donation has state, reason, permanent or resolved_at among its keys, included
        // columns, expressions or predicate, so adding one (which would make every state change write every index) fails here.
        Database database = TestDatabase.database();
        List<String> covering = database.inTransaction(connection -> {
            List<String> found = new ArrayList<>();
            try (Statement sql = connection.createStatement();
                 ResultSet rows = sql.executeQuery("select c.relname, pg_get_indexdef(i.indexrelid) from pg_index i"
                         + " join pg_class c on c.oid = i.indexrelid where i.indrelid = 'donation'::regclass")) {
                while (rows.next()) {
                    String definition = rows.getString(2).toLowerCase();
                    for (String column : CHANGED) {
                        if (definition.matches(".*\\b" + column + "\\b.*")) {
                            found.add(rows.getString(1) + " covers " + column);
                        }
                    }
                }
            }
            return found;
        });
        assertThat(covering).isEmpty();
    }

    @Test
    void donationsWrittenInBulkThenChargedBatchByBatchMostlyStayOnTheirPage() {
        // Proves: 500 donations inserted in one statement, as the intake does, then moved CHARGING -> CHARGED
        // 50 at a time in their own transactions, spread over the pages, as the charge-events writer does, keep at least 80% of their
        // new versions on the page of the old one. With no index covering a changed column (the test above),
        // a new version on the same page is exactly a HOT update. (The bench at 1,600 texts/s: 76% HOT by
        // pg_stat_user_tables with fillfactor 80; none before V6.)
        Database database = TestDatabase.clean();
        database.inTransactionVoid(connection -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute("insert into donor (id, phone_hash, created_at) select n, int8send(n), now() from generate_series(1, " + ROWS + ") n");
                sql.execute("insert into inbound_message (id, channel, external_id, donor_id, destination, body, command, received_at)"
                        + " select n, 'smpp', null, n, '70141', 'SUN5', 'DONATE', now() from generate_series(1, " + ROWS + ") n");
                sql.execute("insert into donation (id, appeal_slug, donor_id, inbound_id, channel, amount_pence, no_contact, state, uk_day, created_at)"
                        + " select n, 'sun', n, n, 'SMS', 500, false, 'CHARGING', current_date, now() from generate_series(1, " + ROWS + ") n");
                // Where each row is now (ctid's block number), kept in a table: the pool may hand out another connection.
                sql.execute("drop table if exists donation_page_before");
                sql.execute("create table donation_page_before as select id, (ctid::text::point)[0]::int as page from donation");
            }
        });
        // Receipts come back in their own order, so one charge-events batch touches a few donations on each
        // of many pages: here the k-th transaction charges every donation whose id is k modulo 10.
        for (int k = 0; k < ROWS / BATCH; k++) {
            int remainder = k;
            database.inTransactionVoid(connection -> {
                try (Statement sql = connection.createStatement()) {
                    sql.executeUpdate("update donation set state = 'CHARGED', resolved_at = now() where id % " + (ROWS / BATCH) + " = " + remainder);
                }
            });
        }
        long charged = TestDatabase.count(database, "select count(*) from donation where state = 'CHARGED'");
        long samePage = database.inTransaction(connection -> {
            try (Statement sql = connection.createStatement();
                 ResultSet row = sql.executeQuery("select count(*) from donation d join donation_page_before b on b.id = d.id"
                         + " where (d.ctid::text::point)[0]::int = b.page")) {
                row.next();
                long count = row.getLong(1);
                sql.execute("drop table donation_page_before");
                return count;
            }
        });
        assertThat(charged).isEqualTo(ROWS);
        assertThat(samePage).isGreaterThanOrEqualTo(ROWS * 8L / 10);
    }
}
