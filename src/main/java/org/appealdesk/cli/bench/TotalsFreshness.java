package org.appealdesk.cli.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.HdrHistogram.Histogram;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.totals.AppealTotals;
import org.appealdesk.totals.TotalsService;

/**
 * How fresh the live totals stay under load: every {@link #POLL} it reads the totals read model's
 * position in the ledger (the last journal it includes) and asks the database for the oldest
 * committed CHARGE journal past that position. That journal's age is how stale the total shown
 * to the public is at that moment (0 when it shows everything committed).
 *
 * <p>The age runs from the journal's created_at, which the charge-event batch sets before it
 * commits, so each figure is an upper bound on commit-to-shown by the batch's own duration; and
 * reading the position then querying can overstate by a moment more. Sampled, so a spike shorter
 * than a poll may be missed.
 */
final class TotalsFreshness implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(100);
    private static final long LAG_MICROS_MAX = Duration.ofHours(1).toNanos() / 1_000;

    private final TotalsService totals;
    private final String appealSlug;
    private final PostgresProbe probe;
    private final Histogram lagMicros = new Histogram(LAG_MICROS_MAX, 3);
    private final Thread poller;
    private volatile boolean running = true;
    private volatile String failure;

    /** Summary: staleness samples (ms) and their distribution. */
    record Result(long samples, double p50Ms, double p99Ms, double maxMs, String failure) {
    }

    TotalsFreshness(TotalsService totals, String appealSlug, DatabaseSettings database) {
        this.totals = totals;
        this.appealSlug = appealSlug;
        this.probe = PostgresProbe.open(database);
        this.poller = Thread.ofPlatform().name("bench-totals-freshness").daemon().start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(POLL);
                sample();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failure = e.toString();
                return;
            }
        }
    }

    private void sample() {
        AppealTotals shown = totals.totals(appealSlug).orElse(null);
        long position = shown == null ? 0 : shown.lastJournalId();
        Instant oldestUnshown = oldestChargeAfter(position);
        long lag = oldestUnshown == null ? 0 : Math.max(0, Duration.between(oldestUnshown, Instant.now()).toNanos() / 1_000);
        synchronized (lagMicros) {
            lagMicros.recordValue(Math.min(lag, LAG_MICROS_MAX));
        }
    }

    private Instant oldestChargeAfter(long journalId) {
        try (PreparedStatement select = probe.connection().prepareStatement(
                "select min(created_at) from journal where appeal_slug = ? and kind = 'CHARGE' and id > ?")) {
            select.setString(1, appealSlug);
            select.setLong(2, journalId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                Timestamp oldest = row.getTimestamp(1);
                return oldest == null ? null : oldest.toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("totals freshness query failed: " + e.getMessage(), e);
        }
    }

    Result result() {
        synchronized (lagMicros) {
            Percentiles p = Percentiles.ofMicros(lagMicros);
            return new Result(p.count(), p.p50Ms(), p.p99Ms(), p.maxMs(), failure);
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probe.close();
    }
}
