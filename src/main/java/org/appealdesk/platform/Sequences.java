package org.appealdesk.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;

/** Reserves ids in bulk so a batch insert knows its rows' ids without a round trip per row. */
public final class Sequences {

    private Sequences() {
    }

    /** {@code count} fresh ids from {@code sequence}, ascending, in a round trip of their own. */
    public static long[] reserve(Connection connection, String sequence, int count) throws SQLException {
        Pipeline pipeline = new Pipeline(connection);
        long[] ids = reserve(pipeline, sequence, count);
        pipeline.run();
        return ids;
    }

    /**
     * Adds a reservation of {@code count} ids from {@code sequence} to {@code pipeline}; the array
     * returned is filled, ascending, when the pipeline runs (it holds zeros until then).
     */
    public static long[] reserve(Pipeline pipeline, String sequence, int count) {
        long[] ids = new long[count];
        if (count > 0) {
            pipeline.query("select nextval(?::regclass) from generate_series(1, ?)", rows -> {
                int i = 0;
                while (rows.next()) {
                    ids[i++] = rows.getLong(1);
                }
                if (i != count) {
                    throw new IllegalStateException(sequence + ": reserved " + i + " ids of " + count);
                }
                Arrays.sort(ids);
            }, sequence, count);
        }
        return ids;
    }
}
