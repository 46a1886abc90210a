package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;

/** One-statement inserts of many rows, on the real embedded PostgreSQL. */
class ArrayInsertTest {

    /** 25 October 2026: UK clocks go back at 01:00 UTC, so 01:30 London time happens twice. */
    private static final Instant FIRST_0130 = Instant.parse("2026-10-25T00:30:00Z");
    private static final Instant SECOND_0130 = Instant.parse("2026-10-25T01:30:00Z");

    @Test
    void timesInTheHourTheClocksGoBackAreStoredAsTheInstantsTheyWere() throws Exception {
        // Proves: with the JVM (and so the driver's session) in Europe/London, both 01:30s of the night the clocks go back
        // keep their instants through ArrayInsert, while the driver's own Timestamp arrays lose one of them by an hour
        // (the reason ArrayInsert sends times as UTC text).
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/London"));
        DatabaseSettings settings = TestDatabase.server().settings(2);
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement sql = connection.createStatement()) {
            sql.execute("create temporary table stamped (n int, at timestamptz)");
            Timestamp[] times = {Timestamp.from(FIRST_0130), Timestamp.from(SECOND_0130), null};
            int inserted = ArrayInsert.into("stamped", 3).column("n", "int", new Integer[]{1, 2, 3}).column("at", "timestamptz", times)
                    .execute(connection);
            assertThat(inserted).isEqualTo(3);
            assertThat(instants(sql, "select at from stamped order by n")).containsExactly(FIRST_0130, SECOND_0130, null);

            try (var naive = connection.prepareStatement("select unnest(?::timestamptz[])")) {
                naive.setArray(1, connection.createArrayOf("timestamptz", new Timestamp[]{Timestamp.from(FIRST_0130), Timestamp.from(SECOND_0130)}));
                try (ResultSet rows = naive.executeQuery()) {
                    List<Instant> back = new ArrayList<>();
                    while (rows.next()) {
                        back.add(rows.getTimestamp(1).toInstant());
                    }
                    assertThat(back).as("the driver's own arrays of Timestamp are ambiguous here").isNotEqualTo(List.of(FIRST_0130, SECOND_0130));
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void aColumnWithTheWrongNumberOfValuesIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> ArrayInsert.into("stamped", 2).column("n", "int", new Integer[]{1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stamped.n has 1 values for 2 rows");
    }

    private static List<Instant> instants(Statement sql, String query) throws Exception {
        List<Instant> result = new ArrayList<>();
        try (ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                Timestamp at = rows.getTimestamp(1);
                result.add(at == null ? null : at.toInstant());
            }
        }
        return result;
    }
}
