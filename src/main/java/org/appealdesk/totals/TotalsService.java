package org.appealdesk.totals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.platform.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live totals read model. It follows the ledger by journal id: each refresh reads only the
 * fund postings of journals newer than the last one it saw, so a refresh costs what was added,
 * not the whole ledger, and no row is updated per donation. That is safe because an appeal's
 * journals are written under its ledger lock, so their ids grow in commit order.
 *
 * <p>Refreshes every {@code interval} (well under the one-second freshness promise) and tells
 * subscribers when an appeal's figures changed.
 */
public final class TotalsService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TotalsService.class);
    /** Journals read per appeal per refresh; a backlog is caught up over several refreshes. */
    public static final int JOURNALS_PER_REFRESH_MAX = 100_000;

    private final Database database;
    private final AppealCatalog catalog;
    private final InstantSource clock;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, AppealTotals> latest = new ConcurrentHashMap<>();
    private final List<Consumer<AppealTotals>> subscribers = new CopyOnWriteArrayList<>();
    private final Thread refresher;
    private volatile boolean open = true;

    /** Sums so far for one appeal; touched only by the refreshing thread (or under its lock). */
    private static final class Running {
        long lastJournalId;
        long chargedPence;
        long donationCount;
        final Map<String, Long> fundPence = new HashMap<>();
    }

    public TotalsService(Database database, AppealCatalog catalog, InstantSource clock, Duration interval) {
        if (interval.toMillis() < 10 || interval.toMillis() > 1_000) {
            throw new IllegalArgumentException("totals.refreshMs must be 10-1000, got " + interval.toMillis());
        }
        this.database = database;
        this.catalog = catalog;
        this.clock = clock;
        refreshNow();
        this.refresher = Thread.ofPlatform().name("totals-refresh").daemon().start(() -> loop(interval));
    }

    public Optional<AppealTotals> totals(String appealSlug) {
        return Optional.ofNullable(latest.get(appealSlug));
    }

    /** Called with new figures whenever an appeal's totals change; must not block. */
    public Runnable subscribe(Consumer<AppealTotals> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    private void loop(Duration interval) {
        while (open) {
            try {
                Thread.sleep(interval);
                refresh();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Background tasks log and carry on: stale totals for a moment beat none at all.
                log.warn("totals refresh failed; will retry: {}", e.toString());
            }
        }
    }

    /** Brings every appeal's figures, counts included, up to date with what is committed now. */
    public void refreshNow() {
        refresh();
    }

    private synchronized void refresh() {
        database.inTransactionVoid(connection -> {
            for (Appeal appeal : catalog.all()) {
                Running sums = running.computeIfAbsent(appeal.slug(), slug -> new Running());
                boolean ledgerMoved = readNewPostings(connection, appeal.slug(), sums);
                AppealTotals next = snapshot(connection, appeal, sums);
                AppealTotals previous = latest.put(appeal.slug(), next);
                if (ledgerMoved || previous == null || !sameFigures(previous, next)) {
                    subscribers.forEach(subscriber -> subscriber.accept(next));
                }
            }
        });
    }

    /**
     * Adds the journals after the watermark, whole journals only (the limit is on journals, so a
     * journal's postings are never split across two refreshes), and moves the watermark past
     * every journal read, counted or not.
     */
    private static boolean readNewPostings(Connection connection, String slug, Running sums) throws SQLException {
        long before = sums.lastJournalId;
        try (PreparedStatement select = connection.prepareStatement(
                "with js as (select id, kind from journal where appeal_slug = ? and id > ? order by id limit ?)"
                        + " select js.id, js.kind, a.kind, a.code, p.amount_pence from js"
                        + " join posting p on p.journal_id = js.id join account a on a.id = p.account_id order by js.id")) {
            select.setString(1, slug);
            select.setLong(2, sums.lastJournalId);
            select.setInt(3, JOURNALS_PER_REFRESH_MAX);
            try (ResultSet rows = select.executeQuery()) {
                long currentJournal = -1;
                while (rows.next()) {
                    long journalId = rows.getLong(1);
                    String journalKind = rows.getString(2);
                    boolean counts = "CHARGE".equals(journalKind) || "REFUND".equals(journalKind);
                    if (journalId != currentJournal) {
                        currentJournal = journalId;
                        if ("CHARGE".equals(journalKind)) {
                            sums.donationCount++;
                        }
                    }
                    if (counts && "FUND".equals(rows.getString(3))) {
                        // Fund accounts hold credits (negative): the charity's money is the negation.
                        String code = rows.getString(4);
                        long pence = -rows.getLong(5);
                        sums.fundPence.merge(code.substring(code.lastIndexOf(':') + 1), pence, Long::sum);
                        sums.chargedPence += pence;
                    }
                    sums.lastJournalId = journalId;
                }
            }
        }
        return sums.lastJournalId != before;
    }

    private AppealTotals snapshot(Connection connection, Appeal appeal, Running sums) throws SQLException {
        long[] counts = stateCounts(connection, appeal);
        Map<String, Long> funds = new HashMap<>();
        funds.put(appeal.designated().slug(), 0L);
        funds.put(appeal.overflow().slug(), 0L);
        funds.putAll(sums.fundPence);
        return new AppealTotals(appeal.slug(), sums.chargedPence, sums.donationCount, funds, counts[0], counts[1], counts[2], counts[3],
                sums.lastJournalId, clock.instant());
    }

    /**
     * An appeal's donations in every state but CHARGED, from the running counts the database keeps
     * by trigger (V10): a sum over a few rows per state, whatever the size of the appeal. Counting
     * the donations themselves needed an index on their state, which kept every donation's change
     * of state from being a HOT update, and read every CHARGING donation each time (47 ms a call
     * while charging stalled in the intake benchmark at 5,000 texts/s).
     */
    static final String STATE_COUNTS_SQL = "select state, sum(donations)::bigint from donation_state_count where appeal_slug = ?"
            + " and state in ('CHARGING', 'UNKNOWN', 'FAILED', 'REJECTED') group by state";

    /** Donations charging, unknown, failed and rejected, in that order. */
    private static long[] stateCounts(Connection connection, Appeal appeal) throws SQLException {
        long pending = 0;
        long unknown = 0;
        long failed = 0;
        long rejected = 0;
        try (PreparedStatement select = connection.prepareStatement(STATE_COUNTS_SQL)) {
            select.setString(1, appeal.slug());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long count = rows.getLong(2);
                    switch (rows.getString(1)) {
                        case "CHARGING" -> pending = count;
                        case "UNKNOWN" -> unknown = count;
                        case "FAILED" -> failed = count;
                        case "REJECTED" -> rejected = count;
                        default -> {
                        }
                    }
                }
            }
        }
        return new long[]{pending, unknown, failed, rejected};
    }

    private static boolean sameFigures(AppealTotals a, AppealTotals b) {
        return a.chargedPence() == b.chargedPence() && a.donationCount() == b.donationCount() && a.pendingCount() == b.pendingCount()
                && a.unknownCount() == b.unknownCount() && a.failedCount() == b.failedCount() && a.rejectedCount() == b.rejectedCount();
    }

    @Override
    public void close() {
        open = false;
        refresher.interrupt();
        try {
            refresher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
