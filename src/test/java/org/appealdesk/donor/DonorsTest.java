package org.appealdesk.donor;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** Finding, locking and creating donors in one statement, on the real embedded PostgreSQL. */
class DonorsTest {

    private static final Instant AT = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void knownAndNewNumbersResolveInOneGoAndANumberIsOneDonorForever() throws Exception {
        // Proves: a batch mixing a known number, a new one and the same new one twice gets one id per number, creates
        // only the new donor, stores its number encrypted (never the plain digits), and a later batch finds the same ids.
        Database database = TestDatabase.clean();
        Donors donors = new Donors(Fixtures.vault());
        PhoneNumber known = PhoneNumber.parse("447700900001");
        PhoneNumber fresh = PhoneNumber.parse("447700900002");
        Map<PhoneNumber, Long> first = database.inTransaction(c -> donors.resolve(c, List.of(known), AT));
        Map<PhoneNumber, Long> both = database.inTransaction(c -> donors.resolve(c, List.of(known, fresh, fresh), AT));
        Map<PhoneNumber, Long> again = database.inTransaction(c -> donors.resolve(c, List.of(fresh, known), AT));

        assertThat(both).containsEntry(known, first.get(known)).containsOnlyKeys(known, fresh);
        assertThat(both.get(fresh)).isNotEqualTo(both.get(known));
        assertThat(again).isEqualTo(both);
        try (Connection connection = database.dataSource().getConnection(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("select count(*), count(*) filter (where position('7700900002'::bytea in phone_encrypted) > 0),"
                     + " count(*) filter (where phone_encrypted is null) from donor")) {
            rows.next();
            assertThat(rows.getInt(1)).as("donor rows").isEqualTo(2);
            assertThat(rows.getInt(2)).as("rows holding the plain digits").isZero();
            assertThat(rows.getInt(3)).as("rows without the encrypted number").isZero();
        }
    }

    @Test
    void twoBatchesCreatingTheSameNewDonorAtOnceAgreeOnItsId() throws Exception {
        // Proves the race the single statement leaves to a second look: while one transaction has created a donor and not
        // committed, another resolving the same number waits, finds its insert skipped (on conflict) once the first
        // commits, then selects the committed row, so both get the same id and there is one donor row.
        Database database = TestDatabase.clean();
        Donors donors = new Donors(Fixtures.vault());
        PhoneNumber number = PhoneNumber.parse("447700900003");
        try (Connection first = database.dataSource().getConnection(); Connection second = database.dataSource().getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            long firstId = donors.resolve(first, List.of(number), AT).get(number);
            CompletableFuture<Long> secondId = CompletableFuture.supplyAsync(() -> {
                try {
                    return donors.resolve(second, List.of(number), AT).get(number);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300); // the second is now waiting on the first's uncommitted row
            assertThat(secondId).as("the second waits for the first to commit").isNotDone();
            first.commit();
            assertThat(secondId.get(10, TimeUnit.SECONDS)).isEqualTo(firstId);
            second.commit();
        }
        try (Connection connection = database.dataSource().getConnection(); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("select count(*) from donor")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(1);
        }
    }
}
