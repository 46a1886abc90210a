package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.appealdesk.donor.Donors;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.PhoneVault;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** The donors a bench run may start with (--donors-before), written into the real embedded PostgreSQL. */
class EarlierDonorsTest {

    @Test
    void earlierDonorsAreStoredAsThePlatformStoresADonorAndFoundByIt() throws Exception {
        // Proves: the count asked for is written, over chunks and a last partial one; each donor is found by the platform's
        // own look-up of their number (same keyed hash) and decrypts to it with the run's key, never another number; their
        // numbers stay outside the simulated network's 447700 range; they were created over the year before the run; a
        // donor the platform creates afterwards takes the next id; and the table ends analysed (its row count known).
        TestDatabase.clean();
        PhoneVault vault = PhoneVault.fromBase64Key(PhoneVault.newBase64Key());
        int count = EarlierDonors.CHUNK * 2 + 17;
        Instant now = Instant.parse("2026-11-27T22:00:00Z");
        DatabaseSettings settings = TestDatabase.server().settings(2);
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
            EarlierDonors.Filled filled = EarlierDonors.fill(connection, vault, count, now);
            assertThat(filled.donors()).isEqualTo(count);
            assertThat(filled.seconds()).isPositive();

            PhoneNumber last = EarlierDonors.number(count - 1);
            assertThat(last.digits()).isEqualTo("447800020016").doesNotStartWith("447700");
            connection.setAutoCommit(false);
            Map<PhoneNumber, Long> found = new Donors(vault).resolve(connection,
                    List.of(EarlierDonors.number(0), last, new PhoneNumber("447700900123")), now);
            connection.commit();
            // Ids come from the donors' own sequence, which other tests of this database have used before: read relative to the first.
            long first = found.get(EarlierDonors.number(0));
            assertThat(found.get(last)).as("one id each, in order").isEqualTo(first + count - 1);
            assertThat(found.get(new PhoneNumber("447700900123"))).as("a new donor after them").isGreaterThan(first + count - 1);
            connection.setAutoCommit(true);

            try (PreparedStatement select = connection.prepareStatement("select phone_encrypted, created_at from donor where id = ?")) {
                select.setLong(1, first + count - 1);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    assertThat(vault.decrypt(row.getBytes(1))).isEqualTo(last);
                    assertThat(row.getTimestamp(2).toInstant()).isBetween(now.minus(Duration.ofDays(365)), now);
                }
            }
            try (Statement sql = connection.createStatement();
                 ResultSet row = sql.executeQuery("select min(created_at), max(created_at), (select reltuples from pg_class where relname = 'donor')"
                         + " from donor where id between " + first + " and " + (first + count - 1))) {
                row.next();
                assertThat(row.getTimestamp(1).toInstant()).isEqualTo(now.minus(Duration.ofDays(365)));
                assertThat(row.getTimestamp(2).toInstant()).as("spread over the whole year").isBefore(now).isAfter(now.minus(Duration.ofDays(1)));
                assertThat(row.getDouble(3)).as("analysed: the planner knows how many there are").isGreaterThan(count * 0.9);
            }
        } finally {
            TestDatabase.clean();
        }
    }

    @Test
    void aCountOutsideTheLimitsIsRefusedByName() {
        // Proves: a negative count or one over the limit is refused under the option's name before anything is written.
        assertThatThrownBy(() -> EarlierDonors.requireCount("--donors-before", -1)).hasMessage("--donors-before must be 0-20000000, got -1");
        assertThatThrownBy(() -> EarlierDonors.requireCount("--donors-before", EarlierDonors.COUNT_MAX + 1L))
                .hasMessageContaining("must be 0-20000000");
        EarlierDonors.requireCount("--donors-before", 0);
        EarlierDonors.requireCount("--donors-before", EarlierDonors.COUNT_MAX);
    }
}
