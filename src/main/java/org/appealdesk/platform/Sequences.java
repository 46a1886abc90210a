package org.appealdesk.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reserves ids in bulk so a batch insert knows its rows' ids without a round trip per row. */
public final class Sequences {

    private Sequences() {
    }

    /** {@code count} fresh ids from {@code sequence}, ascending. */
    public static long[] reserve(Connection connection, String sequence, int count) throws SQLException {
        long[] ids = new long[count];
        if (count == 0) {
            return ids;
        }
        try (PreparedStatement select = connection.prepareStatement("select nextval(?::regclass) from generate_series(1, ?)")) {
            select.setString(1, sequence);
            select.setInt(2, count);
            try (ResultSet rows = select.executeQuery()) {
                int i = 0;
                while (rows.next()) {
                    ids[i++] = rows.getLong(1);
                }
            }
        }
        java.util.Arrays.sort(ids);
        return ids;
    }
}
