package org.appealdesk.giftaid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Sequences;
import org.appealdesk.platform.UkCalendar;

/**
 * One free text to each text donor who has not declared Gift Aid, after the appeal closes
 * (DOMAIN.md). The reminder row, its audit line and its outbox row are written in one transaction,
 * and the reminder's key (appeal, donor) makes it one per donor whatever runs it, however often and
 * on however many nodes; an advisory lock keeps two nodes from doing the same work at once.
 *
 * <p>Donors who said STOP, opted out of contact (or gave with the no-contact keyword, SUNNOINFO),
 * or whose number was erased get nothing. Texts go only in the UK daytime ({@link #SEND_FROM} to
 * {@link #SEND_UNTIL}): a reminder is not worth waking anyone for.
 */
public final class GiftAidReminders {

    public static final LocalTime SEND_FROM = LocalTime.of(9, 0);
    public static final LocalTime SEND_UNTIL = LocalTime.of(20, 0);
    /** Reminders queued per appeal per pass; a large appeal is worked through over several passes. */
    public static final int REMINDERS_PER_PASS_MAX = 1_000;
    private static final long ADVISORY_LOCK_KEY = 0x6769667461696452L; // "giftaidR"

    private final Database database;
    private final AppealCatalog catalog;
    private final Function<String, AppealWebSettings> webSettings;
    private final InstantSource clock;

    public GiftAidReminders(Database database, AppealCatalog catalog, Function<String, AppealWebSettings> webSettings, InstantSource clock) {
        this.database = database;
        this.catalog = catalog;
        this.webSettings = webSettings;
        this.clock = clock;
    }

    /** Queues the reminders that are due now; returns how many. Safe to run at any time, from any node. */
    public int runOnce() {
        Instant now = clock.instant();
        LocalDateTime ukNow = LocalDateTime.ofInstant(now, UkCalendar.LONDON);
        if (ukNow.toLocalTime().isBefore(SEND_FROM) || !ukNow.toLocalTime().isBefore(SEND_UNTIL)) {
            return 0;
        }
        int queued = 0;
        for (Appeal appeal : catalog.all()) {
            LocalDateTime closesAt = webSettings.apply(appeal.slug()).closesAt();
            if (closesAt != null && ukNow.isAfter(closesAt)) {
                queued += database.inTransaction(connection -> remind(connection, appeal, now));
            }
        }
        return queued;
    }

    private record Due(long donorId, long donationId, String token, String network, String shortcode) {
    }

    private int remind(Connection connection, Appeal appeal, Instant now) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, ADVISORY_LOCK_KEY);
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    return 0; // another node is sending reminders right now
                }
            }
        }
        List<Due> due = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select distinct on (d.donor_id) d.donor_id, d.id, d.gift_aid_token, d.network, i.destination"
                        + " from donation d join donor o on o.id = d.donor_id join appeal a on a.slug = d.appeal_slug"
                        + " left join inbound_message i on i.id = d.inbound_id"
                        + " where d.appeal_slug = ? and d.state = 'CHARGED' and d.gift_aid_token is not null"
                        + " and o.stopped_at is null and o.no_contact_at is null and o.phone_encrypted is not null"
                        + " and not exists (select 1 from gift_aid_reminder r where r.appeal_slug = d.appeal_slug and r.donor_id = d.donor_id)"
                        + " and not exists (select 1 from donation n where n.donor_id = d.donor_id and n.appeal_slug = d.appeal_slug and n.no_contact)"
                        + " and not exists (select 1 from gift_aid_declaration x where x.cancelled_at is null"
                        + "   and (x.donation_id = d.id or (x.donor_id = d.donor_id and x.charity_name = a.charity_name)))"
                        + " order by d.donor_id, d.created_at desc, d.id desc limit ?")) {
            select.setString(1, appeal.slug());
            select.setInt(2, REMINDERS_PER_PASS_MAX);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String shortcode = rows.getString(5) != null ? rows.getString(5) : appeal.routes().getFirst().shortcode();
                    due.add(new Due(rows.getLong(1), rows.getLong(2), rows.getString(3), rows.getString(4), shortcode));
                }
            }
        }
        if (due.isEmpty()) {
            return 0;
        }
        long[] outboxIds = Sequences.reserve(connection, "outbox_id_seq", due.size());
        Timestamp at = Timestamp.from(now);
        try (PreparedStatement reminder = connection.prepareStatement(
                "insert into gift_aid_reminder (appeal_slug, donor_id, donation_id, outbox_id, sent_at) values (?, ?, ?, ?, ?)");
             PreparedStatement outbox = connection.prepareStatement(
                     "insert into outbox (id, donor_id, kind, shortcode, body, price_pence, request_id, network, state, due_at, created_at)"
                             + " values (?, ?, 'REPLY', ?, ?, null, null, ?, 'PENDING', ?, ?)");
             PreparedStatement event = connection.prepareStatement(
                     "insert into gift_aid_event (donation_id, declaration_id, kind, detail, at) values (?, null, 'REMINDED', ?, ?)")) {
            for (int i = 0; i < due.size(); i++) {
                Due one = due.get(i);
                reminder.setString(1, appeal.slug());
                reminder.setLong(2, one.donorId());
                reminder.setLong(3, one.donationId());
                reminder.setLong(4, outboxIds[i]);
                reminder.setTimestamp(5, at);
                reminder.addBatch();
                outbox.setLong(1, outboxIds[i]);
                outbox.setLong(2, one.donorId());
                outbox.setString(3, one.shortcode());
                outbox.setString(4, ReminderText.of(appeal, appeal.publicBaseUrl() + "/g/" + one.token()));
                outbox.setString(5, one.network());
                outbox.setTimestamp(6, at);
                outbox.setTimestamp(7, at);
                outbox.addBatch();
                event.setLong(1, one.donationId());
                event.setString(2, "one free reminder text queued after the appeal closed (outbox " + outboxIds[i] + ")");
                event.setTimestamp(3, at);
                event.addBatch();
            }
            reminder.executeBatch();
            outbox.executeBatch();
            event.executeBatch();
        }
        return due.size();
    }
}
