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

    @Test
    void generatedIdsComeFromTheSequenceInTheStatementAndOnlyPlainSequenceNamesAreTaken() throws Exception {
        // Proves: with generatedId, each row gets its own fresh id from the sequence inside the one statement (no ids
        // reserved beforehand), the other columns land beside them, and a sequence name that is not a plain identifier
        // (it is written into the SQL) is refused before anything is sent.
        DatabaseSettings settings = TestDatabase.server().settings(2);
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement sql = connection.createStatement()) {
            sql.execute("create temporary sequence note_id_seq start 41");
            sql.execute("create temporary table note (id bigint primary key, body text not null)");
            Pipeline pipeline = new Pipeline(connection);
            ArrayInsert.into("note", 3).column("body", "text", new String[]{"a", "b", "c"}).generatedId("id", "note_id_seq").addTo(pipeline);
            pipeline.run();
            List<String> rows = new ArrayList<>();
            try (ResultSet stored = sql.executeQuery("select id, body from note order by id")) {
                while (stored.next()) {
                    rows.add(stored.getLong(1) + ":" + stored.getString(2));
                }
            }
            assertThat(rows).hasSize(3).allMatch(row -> row.matches("4[1-3]:[abc]"));
            assertThat(rows.stream().map(row -> row.substring(3)).sorted()).containsExactly("a", "b", "c");
        }
        assertThatThrownBy(() -> ArrayInsert.into("note", 1).generatedId("id", "note_id_seq'); drop table note; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a plain sequence name");
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
