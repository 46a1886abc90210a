package org.appealdesk.giftaid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.Sequences;
import org.appealdesk.platform.UkCalendar;

/**
 * HMRC Gift Aid claims: the schedule of donations to claim (HMRC's columns: title, first name, last
 * name, house, postcode, aggregated donations, sponsored event, donation date, amount), produced from
 * the charged, unrefunded, not-yet-claimed donations that a live declaration covers.
 *
 * <p>Producing a schedule claims its donations in the same transaction: a row per donation in
 * gift_aid_claim, whose key is the donation, so a donation is never claimed twice, however often
 * or concurrently the export runs. The schedule's text is kept with its batch, so a lost file can
 * be produced again ({@link #schedule}) without claiming anything.
 */
public final class GiftAidClaims {

    /** Donations per schedule: HMRC's online schedule takes at most 1,000 lines per upload. */
    public static final int SCHEDULE_ROWS_MAX = 1_000;
    public static final String HEADER = "Title,First name,Last name,House name or number,Postcode,Aggregated donations,Sponsored event,Donation date,Amount";
    private static final DateTimeFormatter HMRC_DATE = DateTimeFormatter.ofPattern("dd/MM/yy");

    /** One line of the schedule. Aggregated and sponsored are HMRC columns this platform never fills: each gift has its donor. */
    public record ScheduleRow(long donationId, String title, String firstName, String lastName, String house, String postcode,
                              LocalDate donationDate, Money amount) {
    }

    /**
     * A schedule that was claimed.
     *
     * @param remaining true when more donations wait for another schedule (more than {@link #SCHEDULE_ROWS_MAX})
     */
    public record Schedule(long batchId, String appealSlug, List<ScheduleRow> rows, Money total, boolean remaining, String csv) {
    }

    private final Database database;
    private final InstantSource clock;

    public GiftAidClaims(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Claims the next schedule of an appeal's donations; empty when nothing is waiting to be claimed. */
    public Optional<Schedule> claimNext(String appealSlug) {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            // One export per appeal at a time; the claim key alone would also stop double claims, but
            // two exports racing would each fail half-way on the other's rows.
            try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "giftaid-claims:" + appealSlug);
                lock.execute();
            }
            List<ScheduleRow> rows = new ArrayList<>();
            List<Long> declarationIds = new ArrayList<>();
            boolean remaining = eligible(connection, appealSlug, rows, declarationIds);
            if (rows.isEmpty()) {
                return Optional.<Schedule>empty();
            }
            long batchId = Sequences.reserve(connection, "gift_aid_claim_batch_id_seq", 1)[0];
            Money total = rows.stream().map(ScheduleRow::amount).reduce(Money.ZERO, Money::plus);
            String csv = csv(rows);
            try (PreparedStatement batch = connection.prepareStatement(
                    "insert into gift_aid_claim_batch (id, appeal_slug, created_at, row_count, total_pence, schedule_csv) values (?, ?, ?, ?, ?, ?)")) {
                batch.setLong(1, batchId);
                batch.setString(2, appealSlug);
                batch.setTimestamp(3, Timestamp.from(now));
                batch.setInt(4, rows.size());
                batch.setLong(5, total.pence());
                batch.setString(6, csv);
                batch.executeUpdate();
            }
            try (PreparedStatement claim = connection.prepareStatement(
                    "insert into gift_aid_claim (donation_id, declaration_id, batch_id, claimed_at) values (?, ?, ?, ?)");
                 PreparedStatement event = connection.prepareStatement(
                         "insert into gift_aid_event (donation_id, declaration_id, kind, detail, at) values (?, ?, 'CLAIMED', ?, ?)")) {
                for (int i = 0; i < rows.size(); i++) {
                    ScheduleRow row = rows.get(i);
                    claim.setLong(1, row.donationId());
                    claim.setLong(2, declarationIds.get(i));
                    claim.setLong(3, batchId);
                    claim.setTimestamp(4, Timestamp.from(now));
                    claim.addBatch();
                    event.setLong(1, row.donationId());
                    event.setLong(2, declarationIds.get(i));
                    event.setString(3, "claimed from HMRC in schedule " + batchId + " (" + row.amount() + ")");
                    event.setTimestamp(4, Timestamp.from(now));
                    event.addBatch();
                }
                claim.executeBatch();
                event.executeBatch();
            }
            return Optional.of(new Schedule(batchId, appealSlug, List.copyOf(rows), total, remaining, csv));
        });
    }

    /** The text of an earlier schedule, to write a lost file again; claims nothing. */
    public Optional<String> schedule(long batchId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select schedule_csv from gift_aid_claim_batch where id = ?")) {
                select.setLong(1, batchId);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Fills {@code rows} with up to the schedule limit; true when more are waiting beyond it. */
    private static boolean eligible(Connection connection, String appealSlug, List<ScheduleRow> rows, List<Long> declarationIds) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select d.id, d.amount_pence, coalesce(d.resolved_at, d.created_at) as charged_at, cov.*"
                        + " from donation d join appeal a on a.slug = d.appeal_slug"
                        + " join lateral (" + Coverage.COVERING_DECLARATION + ") cov on true"
                        + " where d.appeal_slug = ? and d.state = 'CHARGED'"
                        + " and not exists (select 1 from gift_aid_claim c where c.donation_id = d.id)"
                        + " and not exists (select 1 from journal j where j.donation_id = d.id and j.kind = 'REFUND')"
                        + " order by charged_at, d.id limit ?")) {
            select.setString(1, appealSlug);
            select.setInt(2, SCHEDULE_ROWS_MAX + 1);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    if (rows.size() == SCHEDULE_ROWS_MAX) {
                        return true;
                    }
                    rows.add(new ScheduleRow(row.getLong(1), row.getString("x_title"), row.getString("x_first_name"), row.getString("x_last_name"),
                            row.getString("x_house"), row.getString("x_postcode"), UkCalendar.dayOf(row.getTimestamp(3).toInstant()),
                            Money.ofPence(row.getLong(2))));
                    declarationIds.add(row.getLong("x_id"));
                }
            }
        }
        return false;
    }

    static String csv(List<ScheduleRow> rows) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (ScheduleRow row : rows) {
            out.append(String.join(",", field(row.title()), field(row.firstName()), field(row.lastName()), field(row.house()),
                    field(row.postcode()), "", "", row.donationDate().format(HMRC_DATE), row.amount().toDecimalString())).append("\r\n");
        }
        return out.toString();
    }

    /** CSV quoting; a leading formula character is neutralised, although declarations cannot start with one. */
    private static String field(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return safe.contains(",") || safe.contains("\"") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
