package org.appealdesk.cli.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.appealdesk.app.Core;
import org.appealdesk.donation.ChargeEventService;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.sim.MessageIdStyle;
import org.appealdesk.sim.SimSettings;
import org.appealdesk.sim.TrafficPlan;
import org.appealdesk.sms.smpp.SmppSettings;

/**
 * One bench run's settings, validated once: a bad one stops the command with its name.
 *
 * @param ratePerSecond       open-loop target: texts per second arriving on schedule (Poisson)
 * @param duration            the measured window (after the warm-up)
 * @param warmup              traffic before the window, not measured (JIT, pools, caches): how long, at what rate
 * @param binds               SMPP binds, the same number on both sides (simulator and platform)
 * @param window              submits (platform) and deliver_sm (simulator, at most {@link SimSettings#WINDOW_SIZE_MAX}) in flight per bind
 * @param seed                the simulator's seed: same donors and texts for the same seed
 * @param mode                full pipeline or intake only
 * @param realistic           the simulator's realistic mix (declines, silence, duplicates, late receipts,
 *                            throttling) instead of a well-behaved operator
 * @param config              the appeal configuration (its appeals, charging splits and billing profile are used)
 * @param ceilingCase         how long each PostgreSQL ceiling case runs; zero skips the ceiling
 * @param statementStatistics load pg_stat_statements and report the window's costliest statements
 * @param batching            the platform's group commit, from {@link #batching(int, int, int, int, int)}
 * @param warmWal             start from WAL segments ready for reuse, as a server that has been running ({@link WalWarmer})
 * @param messageIds          how the simulated network writes its message ids: {@link MessageIdStyle#HEX} (its own
 *                            default, counters) or {@link MessageIdStyle#UUID} (random-looking, receipts naming them as given)
 * @param deliveriesApart     the simulator writes each deliver_sm on its own when due, as before 2026-11-27, instead of
 *                            those due together in one write ({@link SimSettings#deliveriesTogether})
 * @param donorsBefore        donors from earlier appeals the database holds before the run starts ({@link EarlierDonors}); 0 for none
 * @param walCompression      PostgreSQL's wal_compression for the run (off, pglz, lz4 or zstd); null keeps the server's own
 * @param checkpointAtWindow  a checkpoint as the window begins ({@link WindowCheckpoint})
 */
public record BenchSettings(double ratePerSecond, Duration duration, Warmup warmup, int binds, int window, long seed,
                     BenchMode mode, boolean realistic, Path config, Duration ceilingCase,
                            boolean statementStatistics, Core.Batching batching, boolean warmWal, MessageIdStyle messageIds,
                            boolean deliveriesApart, long donorsBefore, String walCompression, boolean checkpointAtWindow) {

    public static final Duration DURATION_MAX = Duration.ofMinutes(30);
    /** The simulator's message id styles a bench offers: its own counters, and random-looking ids (decimal adds nothing a run measures). */
    static final Set<MessageIdStyle> MESSAGE_ID_STYLES = EnumSet.of(MessageIdStyle.HEX, MessageIdStyle.UUID);
    static final Duration CEILING_CASE_MAX = Duration.ofSeconds(60);
    /** PostgreSQL's ways of compressing the full-page images in its WAL (lz4 and zstd when it was built with them), and none. */
    static final List<String> WAL_COMPRESSIONS = List.of("off", "pglz", "lz4", "zstd");

    public BenchSettings {
        if (!(ratePerSecond > 0) || ratePerSecond > TrafficPlan.RATE_PER_SECOND_MAX) {
            throw new IllegalArgumentException("--rate must be above 0 and at most " + (long) TrafficPlan.RATE_PER_SECOND_MAX + " texts/s, got " + ratePerSecond);
        }
        if (duration == null || duration.toMillis() < 500 || duration.compareTo(DURATION_MAX) > 0) {
            throw new IllegalArgumentException("--for must be 500ms-" + DURATION_MAX.toMinutes() + "m, got " + duration);
        }
        if (warmup == null) {
            throw new IllegalArgumentException("the warm-up is required (zero for none)");
        }
        if (binds < 1 || binds > SmppSettings.BINDS_MAX) {
            throw new IllegalArgumentException("--binds must be 1-" + SmppSettings.BINDS_MAX + ", got " + binds);
        }
        if (window < 1 || window > SimSettings.WINDOW_SIZE_MAX) {
            throw new IllegalArgumentException("--window must be 1-" + SimSettings.WINDOW_SIZE_MAX + " (the simulator's limit), got " + window);
        }
        if (mode == null || config == null) {
            throw new IllegalArgumentException("--mode and --config are required");
        }
        if (ceilingCase == null || ceilingCase.isNegative() || ceilingCase.compareTo(CEILING_CASE_MAX) > 0) {
            throw new IllegalArgumentException("--ceiling-case must be 0-" + CEILING_CASE_MAX.toSeconds() + "s, got " + ceilingCase);
        }
        if (batching == null) {
            throw new IllegalArgumentException("the platform's batching is required");
        }
        if (!MESSAGE_ID_STYLES.contains(messageIds)) {
            throw notAMessageIdStyle(messageIds);
        }
        EarlierDonors.requireCount("--donors-before", donorsBefore);
        if (walCompression != null && !WAL_COMPRESSIONS.contains(walCompression)) {
            throw new IllegalArgumentException("--wal-compression must be one of " + String.join(", ", WAL_COMPRESSIONS) + ", got " + walCompression);
        }
    }

    /**
     * The platform's group commit for a run: its defaults with the command's writers, handoff and
     * lingers, each checked under its option's name.
     *
     * @param intakeWriters   text intake writers
     * @param eventWriters    charge event writers
     * @param handoffCapacity messages waiting in memory for the sender at most (0 claims every message
     *                        from the database, as before the handoff)
     * @param textLingerMs    how long the text intake lingers for more texts before each commit
     * @param eventLingerMs   how long the charge events linger for more events before each commit
     */
    public static Core.Batching batching(int intakeWriters, int eventWriters, int handoffCapacity, int textLingerMs, int eventLingerMs) {
        GroupCommitter.requireWriters("--intake-writers", intakeWriters);
        GroupCommitter.requireWriters("--event-writers", eventWriters);
        ChargeEventService.requireHandoffCapacity("--handoff", handoffCapacity);
        return Core.Batching.defaults().withTextWriters(intakeWriters).withEventWriters(eventWriters).withHandoffCapacity(handoffCapacity)
                .withTextLinger(Core.Batching.linger("--text-linger-ms", textLingerMs))
                .withEventLinger(Core.Batching.linger("--event-linger-ms", eventLingerMs));
    }

    /** {@code --message-ids}: one of {@link #MESSAGE_ID_STYLES} by name, any case. */
    public static MessageIdStyle messageIds(String option) {
        return MESSAGE_ID_STYLES.stream().filter(style -> style.name().equalsIgnoreCase(option)).findFirst()
                .orElseThrow(() -> notAMessageIdStyle(option));
    }

    private static IllegalArgumentException notAMessageIdStyle(Object given) {
        return new IllegalArgumentException("--message-ids must be hex or uuid, got " + given);
    }

    BenchSettings withRate(double newRate) {
        return copy(newRate, warmup, ceilingCase);
    }

    BenchSettings withWarmupAtLeast(Duration least) {
        return copy(ratePerSecond, warmup.atLeast(least), ceilingCase);
    }

    BenchSettings withoutCeiling() {
        return copy(ratePerSecond, warmup, Duration.ZERO);
    }

    /** This run with another rate, warm-up and ceiling case, the only things a sweep's steps change; the rest copied once, here. */
    private BenchSettings copy(double rate, Warmup warm, Duration ceiling) {
        return new BenchSettings(rate, duration, warm, binds, window, seed, mode, realistic, config, ceiling, statementStatistics, batching, warmWal,
                messageIds, deliveriesApart, donorsBefore, walCompression, checkpointAtWindow);
    }

    /** The rate the warm-up runs at: its own, or the window's. */
    double warmupRate() {
        return warmup.rateFor(ratePerSecond);
    }

    /** Texts the warm-up and the window make together, on average (what the WAL is sized for). */
    double textsPlanned() {
        return warmupRate() * warmup.length().toMillis() / 1000.0 + ratePerSecond * duration.toMillis() / 1000.0;
    }

    boolean measuresCeiling() {
        return !ceilingCase.isZero();
    }
}
