package org.appealdesk.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.appealdesk.app.Core;
import org.appealdesk.cli.bench.Bench;
import org.appealdesk.cli.bench.BenchMode;
import org.appealdesk.cli.bench.BenchSettings;
import org.appealdesk.cli.bench.Warmup;
import org.appealdesk.donation.ChargeEventService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `./appealdesk bench`: the end-to-end load benchmark of issue 3 (see BENCHMARKS.md). The platform
 * and the simulated operator network run in this one process against a fresh, durable embedded
 * PostgreSQL; the command prints a summary, writes a JSON report and exits non-zero if anything was
 * lost or doubled. Parsing only: the work is in {@link Bench}.
 */
@Command(name = "bench", description = "Load benchmark: the platform against the simulated network at an open-loop rate (see BENCHMARKS.md).")
final class BenchCommand implements Callable<Integer> {

    /**
     * Warm-up when none is given: half the window, at most this. On 2 cores the C2 compiler still
     * took a third of the JVM's CPU 20 s into a run (async-profiler), so 5 s measured the JIT.
     */
    static final Duration WARMUP_DEFAULT_MAX = Duration.ofSeconds(30);
    static final Duration WINDOW_DEFAULT = Duration.ofSeconds(60);
    static final Duration SWEEP_WINDOW_DEFAULT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--rate", defaultValue = "1000", description = "open-loop target in texts per second; the sweep's first rate (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--for", converter = DurationConverter.class,
            description = "measured window, e.g. 20s, 1m (default: 60s; 10s per step with --sweep)")
    Duration window;

    @Option(names = "--warmup", converter = DurationConverter.class,
            description = "unmeasured traffic before the window (default: half the window, at most 30s)")
    Duration warmup;

    @Option(names = "--warmup-rate", description = "texts per second during the warm-up, e.g. an evening's giving before the peak"
            + " (default: --rate)")
    Double warmupRate;

    @Option(names = "--no-warmup", description = "start measuring at once")
    boolean noWarmup;

    @Option(names = "--binds", defaultValue = "4", description = "SMPP binds, on both sides (default: ${DEFAULT-VALUE})")
    int binds;

    @Option(names = "--window", defaultValue = "100", description = "messages in flight per bind, both directions (default: ${DEFAULT-VALUE}, at most 256)")
    int messageWindow;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the simulated donors (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--mode", defaultValue = "full",
            description = "full (text, charge, receipt, ledger, thank-you) or intake (texts recorded and acknowledged only) (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--realistic", description = "the simulator's realistic failure mix instead of a well-behaved network")
    boolean realistic;

    @Option(names = "--sweep", description = "find the highest sustained rate (ack p99 < 50 ms), doubling from --rate then bisecting")
    boolean sweep;

    @Option(names = "--sweep-steps", defaultValue = "8", description = "most runs a sweep makes (default: ${DEFAULT-VALUE})")
    int sweepSteps;

    @Option(names = "--ceiling-case", converter = DurationConverter.class, description = "length of each PostgreSQL ceiling case (default: 2s)")
    Duration ceilingCase;

    @Option(names = "--no-ceiling", description = "skip the PostgreSQL ceiling measurement")
    boolean noCeiling;

    @Option(names = "--intake-writers", defaultValue = "" + Core.Batching.TEXT_WRITERS_DEFAULT,
            description = "text intake writers (default: the platform's, ${DEFAULT-VALUE})")
    int intakeWriters;

    @Option(names = "--event-writers", defaultValue = "" + Core.Batching.EVENT_WRITERS_DEFAULT,
            description = "charge event writers (default: the platform's, ${DEFAULT-VALUE})")
    int eventWriters;

    @Option(names = "--handoff", defaultValue = "" + ChargeEventService.HANDOFF_CAPACITY_DEFAULT,
            description = "messages waiting in memory for the sender at most; 0 claims every message from the database"
                    + " (default: the platform's, ${DEFAULT-VALUE})")
    int handoff;

    @Option(names = "--text-linger-ms", defaultValue = "" + Core.Batching.TEXT_LINGER_MS_DEFAULT,
            description = "how long the text intake lingers for more texts before a commit (not when half a batch waits), 0-"
                    + Core.Batching.LINGER_MS_MAX + " (default: the platform's, ${DEFAULT-VALUE}; like the writers, not read from --config)")
    int textLingerMs;

    @Option(names = "--event-linger-ms", defaultValue = "" + Core.Batching.EVENT_LINGER_MS_DEFAULT,
            description = "how long the charge events linger for more events before a commit (not when half a batch waits), 0-"
                    + Core.Batching.LINGER_MS_MAX + " (default: the platform's, ${DEFAULT-VALUE}; not read from --config)")
    int eventLingerMs;

    @Option(names = "--statements", description = "load pg_stat_statements and report the window's costliest SQL statements")
    boolean statements;

    @Option(names = "--warm-wal", description = "start from WAL segments ready for reuse, as a server that has been running"
            + " (a fresh database creates every 16 MB segment, and the commit crossing into one waits for it)")
    boolean warmWal;

    @Option(names = "--message-ids", defaultValue = "hex",
            description = "the simulated network's message ids: hex (counters, its default) or uuid (random-looking, as some"
                    + " aggregators write them; each lands at a random place in the indexes on message ids) (default: ${DEFAULT-VALUE})")
    String messageIds;

    @Option(names = "--deliveries-apart", description = "the simulator writes each text and receipt on its own when due, as it did"
            + " before 2026-11-27, for comparing with figures measured so (default: those due in the same millisecond leave in one write)")
    boolean deliveriesApart;

    @Option(names = "--donors-before", defaultValue = "0",
            description = "donors from earlier appeals in the database before the run, as on a server that has run for months (their"
                    + " numbers outside the simulated network's; a new donor's index entry then lands among theirs), ending with a"
                    + " checkpoint; 0-20000000, 10-14 s a million here, again at each step of a sweep (default: ${DEFAULT-VALUE},"
                    + " an empty database)")
    long donorsBefore;

    @Option(names = "--wal-compression", description = "PostgreSQL's wal_compression for the run: off, pglz, lz4 or zstd (the"
            + " full-page images it writes after each checkpoint, compressed; default: the embedded server's own)")
    String walCompression;

    @Option(names = "--checkpoint-at-window", description = "a checkpoint as the window begins, as a running server has one every few"
            + " minutes: the window then holds the minute after one, when each page's first change writes its whole image to the WAL")
    boolean checkpointAtWindow;

    @Option(names = "--json", description = "where to write the JSON report (default: bench-results/bench-<UTC time>.json)")
    Path json;

    @Option(names = "--config", defaultValue = "config/reference-appeal.json", description = "appeal configuration (default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() {
        Duration measured = window != null ? window : sweep ? SWEEP_WINDOW_DEFAULT : WINDOW_DEFAULT;
        Duration warmLength = noWarmup ? Duration.ZERO : warmup != null ? warmup : min(measured.dividedBy(2), WARMUP_DEFAULT_MAX);
        Warmup warm = new Warmup(warmLength, warmupRate);
        Duration ceiling = noCeiling ? Duration.ZERO : ceilingCase != null ? ceilingCase : Duration.ofSeconds(2);
        BenchSettings settings = new BenchSettings(rate, measured, warm, binds, messageWindow, seed, BenchMode.parse(mode), realistic, config, ceiling,
                statements, BenchSettings.batching(intakeWriters, eventWriters, handoff, textLingerMs, eventLingerMs), warmWal,
                BenchSettings.messageIds(messageIds), deliveriesApart, donorsBefore, walCompression, checkpointAtWindow);
        Path report = json != null ? json : Bench.defaultReportFile(Instant.now());
        String commandLine = "appealdesk " + String.join(" ", commandWords());
        return sweep ? Bench.sweep(settings, sweepSteps, report, commandLine, System.out) : Bench.run(settings, report, commandLine, System.out);
    }

    /** The command as typed, for the report. A subcommand's parse result holds the whole line, its own name first. */
    private List<String> commandWords() {
        List<String> words = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (words.isEmpty() || !words.getFirst().equals(spec.name())) {
            words.addFirst(spec.name());
        }
        return words;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
