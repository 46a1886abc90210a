package org.appealdesk.cli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.appealdesk.platform.ArrayInsert;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.platform.PhoneVault;

/**
 * Donors from earlier appeals, written before a run ({@code --donors-before}), as a server that has
 * run for months holds them.
 *
 * <p>Why: the bench otherwise starts on an empty database, which flatters it in one place. A donor
 * is found by the keyed hash of their number, so a new donor's entry lands at a random place in the
 * phone-hash index. Among a few thousand donors those pages are few and stay in memory; among
 * millions, each new donor touches a page no recent write did, and the first change to a page
 * after a checkpoint writes an image of the whole page (up to 8 KB) to the WAL. The other tables grow at their ends
 * (ids and times in order), so their history changes little of a gift's work; the donors' does.
 *
 * <p>Their numbers are 4478 and eight digits, outside the simulated network's 447700 range, so no
 * text of the run comes from one. Each is hashed and encrypted with the run's own key, as the
 * platform stores a donor, and created over the year before the run. They have no texts, gifts or
 * consents, which the platform's checks allow. The filling ends with a VACUUM ANALYZE of the table
 * and a CHECKPOINT, so the run does not write the filling's pages back. The images that checkpoint
 * causes fall in the warm-up (at 2,000 new donors a second, most of a 3-million-donor index is
 * touched within about 20 s); {@code --checkpoint-at-window} puts one at the window's start
 * to measure them (BENCHMARKS.md, "A database that has run for months").
 */
final class EarlierDonors {

    /** Most donors a run may start with; writing them took 10-14 s a million on the 2-core machine of BENCHMARKS.md. */
    static final int COUNT_MAX = 20_000_000;
    /** Numbers 447800000000 up: twelve digits like the simulated donors', in a range they never use. */
    static final long FIRST_NUMBER = 447_800_000_000L;
    /** Donors a statement and a transaction: one array insert each, small enough to hold 2 MB of values. */
    static final int CHUNK = 10_000;
    private static final long YEAR_SECONDS = Duration.ofDays(365).toSeconds();

    /** What a filling left: the donors, how long it took, and the table's and its indexes' size. */
    record Filled(long donors, double seconds, long tableMb, long indexesMb) {
    }

    private EarlierDonors() {
    }

    /** Refuses a count outside 0 to {@link #COUNT_MAX}, under the option's name. */
    static void requireCount(String option, long count) {
        if (count < 0 || count > COUNT_MAX) {
            throw new IllegalArgumentException(option + " must be 0-" + COUNT_MAX + ", got " + count);
        }
    }

    /** The {@code index}-th earlier donor's number (0-based). */
    static PhoneNumber number(long index) {
        return new PhoneNumber(Long.toString(FIRST_NUMBER + index));
    }

    /**
     * Writes {@code count} donors, one transaction a {@link #CHUNK}, then VACUUM ANALYZE and
     * CHECKPOINT. {@code connection} must be a superuser's (the checkpoint), in autocommit, on a
     * database the platform has migrated.
     */
    static Filled fill(Connection connection, PhoneVault vault, long count, Instant now) throws SQLException {
        requireCount("earlier donors", count);
        long started = System.nanoTime();
        Instant yearAgo = now.minus(Duration.ofDays(365));
        for (long first = 0; first < count; first += CHUNK) {
            int rows = (int) Math.min(CHUNK, count - first);
            byte[][] hashes = new byte[rows][];
            byte[][] sealed = new byte[rows][];
            Timestamp[] created = new Timestamp[rows];
            for (int i = 0; i < rows; i++) {
                PhoneNumber number = number(first + i);
                hashes[i] = vault.hash(number);
                sealed[i] = vault.encrypt(number);
                // Spread evenly over the year before the run, the first a year ago.
                created[i] = Timestamp.from(yearAgo.plusSeconds(YEAR_SECONDS * (first + i) / count));
            }
            try (PreparedStatement insert = ArrayInsert.into("donor", rows).generatedId("id", "donor_id_seq")
                    .column("phone_hash", "bytea", hashes).column("phone_encrypted", "bytea", sealed).column("created_at", "timestamptz", created)
                    .prepare(connection, "")) {
                insert.executeUpdate();
            }
        }
        try (Statement sql = connection.createStatement()) {
            sql.execute("vacuum (analyze) donor");
            sql.execute("checkpoint");
            try (ResultSet sizes = sql.executeQuery("select (select count(*) from donor), pg_relation_size('donor'), pg_indexes_size('donor')")) {
                sizes.next();
                return new Filled(sizes.getLong(1), BenchRun.round((System.nanoTime() - started) / 1e9), sizes.getLong(2) >> 20, sizes.getLong(3) >> 20);
            }
        }
    }
}
