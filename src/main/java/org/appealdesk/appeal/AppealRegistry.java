package org.appealdesk.appeal;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import org.appealdesk.platform.Database;

/** Writes the configured appeals into the appeal table at start-up, for SQL-side checks and reports. */
public final class AppealRegistry {

    private AppealRegistry() {
    }

    public static void sync(Database database, AppealCatalog catalog, Instant at) {
        database.inTransactionVoid(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "insert into appeal (slug, title, charity_name, designated_fund, designated_cap_pence, overflow_fund, updated_at)"
                            + " values (?, ?, ?, ?, ?, ?, ?) on conflict (slug) do update set title = excluded.title,"
                            + " charity_name = excluded.charity_name, designated_fund = excluded.designated_fund,"
                            + " designated_cap_pence = excluded.designated_cap_pence, overflow_fund = excluded.overflow_fund,"
                            + " updated_at = excluded.updated_at")) {
                for (Appeal appeal : catalog.all()) {
                    upsert.setString(1, appeal.slug());
                    upsert.setString(2, appeal.title());
                    upsert.setString(3, appeal.charity().name());
                    upsert.setString(4, appeal.designated().slug());
                    upsert.setObject(5, appeal.designated().hasCap() ? appeal.designated().cap().pence() : null);
                    upsert.setString(6, appeal.overflow().slug());
                    upsert.setTimestamp(7, Timestamp.from(at));
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
        });
    }
}
