package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.appealdesk.support.Plans.keptPlan;
import static org.appealdesk.support.Plans.single;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * V14: a charge part's network message id is indexed only once given, on the real embedded
 * PostgreSQL. Everything here runs in one transaction that is rolled back.
 */
class MessageIdIndexTest {

    private static final String INDEX = "charge_part_network_message_id_given";

    @Test
    void messageIdsStayUniqueAndEveryLookUpByIdCanUseTheIndex() throws Exception {
        // Proves: the index is unique and holds only parts with an id (its predicate), the old constraint, whose index
        // held an entry for every part, is gone; two parts cannot share an id; and the look-ups by id, the receipts'
        // (= any(array)) kept as a generic plan as the writers keep it, and the settlement import's (= lower(...)), are
        // planned on the index. Sequential scans are off, so a plan that could not prove the predicate from the query
        // would show a Seq Scan instead, however small the table.
        try (Connection connection = TestDatabase.database().dataSource().getConnection(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                assertThat(single(sql, "select indisunique || ' ' || pg_get_expr(indpred, indrelid) from pg_index where indexrelid = '"
                        + INDEX + "'::regclass")).isEqualTo("true (network_message_id IS NOT NULL)");
                assertThat(single(sql, "select count(*) from pg_constraint where conname = 'charge_part_network_message_id_key'")).isEqualTo("0");

                // Bare parts: the reference checks (triggers) are off in a replica session; the parts need no donation here.
                sql.execute("set local session_replication_role = replica");
                sql.execute("insert into charge_part (id, donation_id, part_no, amount_pence, request_id, outbox_id, state)"
                        + " values (-1, -1, 1, 300, 'message-id-index-1', -1, 'PENDING'), (-2, -2, 1, 300, 'message-id-index-2', -2, 'PENDING'),"
                        + " (-3, -3, 1, 300, 'message-id-index-3', -3, 'PENDING')");
                sql.execute("update charge_part set state = 'SUBMITTED', network_message_id = 'message-id-index-m1' where id = -1");
                Savepoint beforeTwin = connection.setSavepoint();
                assertThatThrownBy(() -> sql.execute("update charge_part set state = 'SUBMITTED', network_message_id = 'message-id-index-m1' where id = -2"))
                        .isInstanceOf(SQLException.class).hasMessageContaining(INDEX);
                connection.rollback(beforeTwin);

                sql.execute("set local enable_seqscan = off");
                sql.execute("set local plan_cache_mode = force_generic_plan");
                assertThat(keptPlan(sql, "select id from charge_part where network_message_id = any($1::text[])", "text[]", "{message-id-index-m1,message-id-index-m9}"))
                        .as("the receipts' look-up, a kept plan").contains("$1").contains(INDEX).doesNotContain("Seq Scan");
                assertThat(keptPlan(sql, "select pm.id from charge_part pm where pm.network_message_id = lower($1::text) limit 1", "text", "MESSAGE-ID-INDEX-M1"))
                        .as("the settlement import's look-up").contains(INDEX).doesNotContain("Seq Scan");
            } finally {
                connection.rollback();
            }
        }
    }
}
