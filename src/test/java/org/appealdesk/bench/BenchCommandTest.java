package org.appealdesk.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.appealdesk.app.Core;
import org.appealdesk.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./appealdesk bench` end to end, briefly and at a low rate: the command must produce a complete
 * report and pass its own checks. Speed is never asserted here (a timed unit test on a shared
 * machine proves nothing); the figures live in BENCHMARKS.md.
 */
class BenchCommandTest {

    @TempDir
    Path directory;

    @Test
    void aShortFullRunWritesEveryFigureAndPassesItsChecks() throws Exception {
        // Proves a short full-pipeline run exits 0 and its JSON holds every figure the issue asks for: throughput, the three
        // latencies, memory and CPU of both processes, totals freshness, the durable PostgreSQL ceiling and the ratio to it,
        // and passed checks (nothing lost or doubled, ledger verified) on a PostgreSQL that really was durable. With two charge
        // event writers, it reports how much of the window the appeal's ledger lock was held, for the charge events only.
        // The warm-up runs at its own rate, and the summary and both settings in the report say which.
        Path report = directory.resolve("full.json");
        RunOutput output = bench("--rate", "100", "--for", "2s", "--warmup", "500ms", "--warmup-rate", "40", "--binds", "2", "--ceiling-case", "200ms",
                "--event-writers", "2", "--json", report.toString());

        assertThat(output.exitCode()).as(output.text()).isZero();
        assertThat(output.text()).contains("Donations completed end to end", "bench: every check passed",
                "Warming up for 0.5 s at 40 texts/s", "(warm-up 0.5 s at 40 texts/s)");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("settings").path("warmupRate").asDouble()).isEqualTo(40.0);
        assertThat(json.path("settings").path("deliveries").asText()).isEqualTo("together");
        // The warm-up's texts are those recorded beyond the window's: about 20 at 40/s for 0.5 s, where 50 would be the window's rate.
        assertThat(json.path("run").path("throughput").path("textsRecorded").asLong() - json.path("run").path("traffic").path("textsGenerated").asLong())
                .as("texts of the warm-up").isBetween(1L, 39L);
        assertThat(json.path("run").path("warmupRate").asDouble()).isEqualTo(40.0);
        assertThat(json.path("command").asText()).startsWith("appealdesk bench --rate 100");
        assertThat(json.path("machine").path("processors").asInt()).isPositive();
        assertThat(json.path("machine").path("postgresVersion").asText()).isNotBlank();
        assertThat(json.path("ceiling").path("cases").size()).isEqualTo(6);
        assertThat(json.path("ceiling").path("bestRowsPerSecond").asDouble()).isPositive();
        assertThat(json.path("ratiosToCeiling").path("donationsCompletedPerCeilingRow").asDouble()).isPositive();

        JsonNode run = json.path("run");
        assertThat(run.path("passed").asBoolean()).isTrue();
        assertThat(run.path("checks").size()).isGreaterThanOrEqualTo(9);
        run.path("checks").forEach(check -> assertThat(check.path("passed").asBoolean()).as(check.toString()).isTrue());
        assertThat(run.path("throughput").path("textsAcknowledgedPerSecond").asDouble()).isPositive();
        assertThat(run.path("throughput").path("donationsCompletedPerSecond").asDouble()).isPositive();
        assertThat(run.path("throughput").path("donationsCharged").asLong()).isPositive();
        // Both sides' socket writes in the window, and the PDUs they carried: texts, receipts and submits went both ways.
        JsonNode writes = run.path("traffic").path("writes");
        assertThat(writes.path("simulatorPerSecond").asDouble()).isPositive();
        assertThat(writes.path("platformPerSecond").asDouble()).isPositive();
        assertThat(writes.path("pdusPerSecond").asDouble()).isGreaterThan(run.path("throughput").path("textsAcknowledgedPerSecond").asDouble());
        assertThat(writes.path("simulatorPdusPerWrite").asDouble()).isCloseTo(
                writes.path("pdusPerSecond").asDouble() / writes.path("simulatorPerSecond").asDouble(), within(0.2));
        assertThat(writes.path("platformPdusPerWrite").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(output.text()).contains("Socket writes: the simulator");
        for (String latency : new String[]{"textAcknowledgement", "textToThankYou", "scheduleLag"}) {
            JsonNode figures = run.path("latency").path(latency);
            assertThat(figures.path("count").asLong()).as(latency).isPositive();
            assertThat(figures.path("p99Ms").asDouble()).as(latency).isGreaterThanOrEqualTo(figures.path("p50Ms").asDouble());
            assertThat(figures.has("p999Ms") && figures.has("maxMs")).as(latency).isTrue();
        }
        JsonNode resources = run.path("resources");
        assertThat(resources.path("jvmPeakRssMb").asLong()).isPositive();
        assertThat(resources.path("postgresPeakMb").asLong()).isPositive();
        assertThat(resources.path("combinedPeakMb").asLong()).isGreaterThanOrEqualTo(resources.path("postgresPeakMb").asLong());
        assertThat(resources.path("jvmCores").asDouble()).isPositive();
        assertThat(resources.path("postgresCores").asDouble()).isPositive();
        assertThat(resources.path("jvmCoresByThreadGroup").size()).isPositive();
        JsonNode sides = resources.path("jvmCoresBySide");
        assertThat(sides.path("platform").asDouble()).as(sides.toString()).isPositive();
        assertThat(sides.path("loadGenerator").asDouble()).as(sides.toString()).isPositive();
        assertThat(sides.path("platform").asDouble() + sides.path("loadGenerator").asDouble() + sides.path("bench").asDouble())
                .as("threads counted once: together no more than the process").isLessThanOrEqualTo(resources.path("jvmCores").asDouble() + 0.02);
        assertThat(resources.path("jvmCoresByThreadGroup").has("PDUReaderWorker-# (simulator)")).as("the simulator's readers, by session")
                .isTrue();
        assertThat(output.text()).contains("JVM cores by side: platform");
        assertThat(run.path("totalsFreshness").path("samples").asLong()).isPositive();
        assertThat(run.path("postgres").path("synchronousCommit").asText()).isEqualTo("on");
        assertThat(run.path("postgres").path("fsync").asText()).isEqualTo("on");
        assertThat(run.path("postgres").path("walFilesWarmed").asLong()).as("a fresh server unless --warm-wal").isZero();
        assertThat(run.path("postgres").path("windowWithinWarmedWal").isNull() || run.path("postgres").path("windowWithinWarmedWal").isMissingNode())
                .as("no warmed WAL to be within").isTrue();
        assertThat(run.path("postgres").path("walSegmentsFilledInWindow").asLong()).isNotNegative();
        JsonNode tables = run.path("postgres").path("updatesByTable");
        assertThat(tables.path("outbox").path("updates").asLong()).as("messages marked sent in the window").isPositive();
        tables.forEach(table -> {
            assertThat(table.has("autovacuums") && table.has("autoanalyzes") && table.has("newPageUpdates")).as(table.toString()).isTrue();
            // An update put on another page is never HOT, so the two together are at most all of them.
            assertThat(table.path("hotUpdates").asLong() + table.path("newPageUpdates").asLong()).as(table.toString())
                    .isLessThanOrEqualTo(table.path("updates").asLong());
        });
        assertThat(output.text()).contains("Autovacuum in the window (vacuums / analyses):");
        // The WAL of the window's last seconds counted a gift: every gift inserts its text, donation, part, messages,
        // journal and postings, and the charge parts' indexes take entries; the same line in the summary.
        JsonNode census = run.path("postgres").path("walCensus");
        assertThat(census.path("unit").asText()).isEqualTo("gift");
        assertThat(census.path("units").asLong()).as(census.toString()).isPositive();
        assertThat(census.path("textsAcknowledged").asLong()).as("the stretch's texts, beside its gifts").isPositive();
        assertThat(census.path("seconds").asDouble()).isBetween(0.5, 5.5);
        assertThat(census.path("perUnit").path("rowsInserted").asDouble()).as(census.toString()).isGreaterThan(5);
        assertThat(census.path("perUnit").path("indexEntries").asDouble()).isGreaterThan(census.path("perUnit").path("rowsInserted").asDouble());
        assertThat(census.path("byTable").path("charge_part").path("indexEntries").asDouble()).as(census.toString()).isPositive();
        assertThat(census.path("byTable").path("posting").path("rowsInserted").asDouble()).as("two postings a gift").isGreaterThan(1);
        assertThat(output.text()).containsPattern("WAL of the window's last \\d s \\(pg_walinspect\\), a gift: [\\d,]+ bytes; .* index entries")
                .contains("  by table, a gift (inserts/HOT/other updates/deletes/locks/index entries): ");
        assertThat(run.path("groupCommit").findValuesAsText("name")).as("recording, charge events, acting")
                .containsExactly("text-intake", "charge-events (2 writers)", "text-acting");
        assertThat(json.path("settings").path("eventWriters").asInt()).isEqualTo(2);
        JsonNode groups = run.path("groupCommit");
        assertThat(groups.get(1).path("ledgerLockHeldShare").isNumber()).as("gifts were booked in the window").isTrue();
        assertThat(groups.get(1).path("ledgerLockHeldShare").asDouble()).isBetween(0.0, 1.0);
        assertThat(groups.get(0).path("ledgerLockHeldShare").isNumber()).as("the charge events' figure only").isFalse();
        assertThat(groups.get(2).path("ledgerLockHeldShare").isNumber()).isFalse();
        assertThat(output.text()).containsPattern("Group commit charge-events \\(2 writers\\): .*, the appeal's ledger lock held \\d+%");
        assertThat(run.path("timeline").size()).isPositive();
        assertThat(run.path("timeline").findValues("thankYouP99Ms")).as("seconds of the window with thank-yous").isNotEmpty();
        JsonNode background = run.path("timeline").get(0).path("background");
        assertThat(background.path("vacuuming").isArray() && background.path("analyzing").isArray()).as(background.toString()).isTrue();
        assertThat(background.path("checkpointer").asText()).as("the checkpointer's wait event, read each second").isNotBlank();
        assertThat(output.text()).containsPattern("each second's p99 in the window: median [\\d,]+ ms, the worst [\\d,]+ ms \\(second \\d+\\); \\d+ of \\d+ seconds over 1,000 ms");
        assertThat(run.path("thankYouJoin").path("thankYous").asLong()).isEqualTo(run.path("throughput").path("thankYousTotal").asLong());
    }

    @Test
    void intakeModeRecordsAndAcknowledgesEveryTextAndSendsNothing() throws Exception {
        // Proves --mode intake acknowledges and durably records every text (checks pass) while the silent outbox sends
        // nothing: no charge, no thank-you, every donation still waiting in the outbox. With --warm-wal the server starts
        // holding the WAL segments made for reuse (at least WalWarmer's minimum of 8), and the report says how many and
        // that the window's WAL stayed within them. With no text linger (--text-linger-ms 0) each commit takes what is
        // queued at once, and the report's settings say so (the charge events' linger, not given, is the platform's).
        // Started on 3,000 donors of earlier appeals (--donors-before) with the WAL's full-page images compressed
        // (--wal-compression pglz) and a checkpoint as the window began (--checkpoint-at-window), the run still passes every
        // check; the report says how many donors the database held, which compression PostgreSQL ran with and how long the
        // checkpoint took, and gives the WAL each second of the window.
        Path report = directory.resolve("intake.json");
        RunOutput output = bench("--mode", "intake", "--rate", "100", "--for", "2s", "--no-warmup", "--no-ceiling", "--binds", "1",
                "--warm-wal", "--text-linger-ms", "0", "--donors-before", "3000", "--wal-compression", "pglz", "--checkpoint-at-window",
                "--json", report.toString());

        assertThat(output.exitCode()).as(output.text()).isZero();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("settings").path("textLingerMs").isIntegralNumber()).isTrue();
        assertThat(json.path("settings").path("textLingerMs").asLong()).isZero();
        assertThat(json.path("settings").path("eventLingerMs").asLong()).isEqualTo(Core.Batching.EVENT_LINGER_MS_DEFAULT);
        assertThat(json.path("settings").path("donorsBefore").asLong()).isEqualTo(3_000);
        JsonNode run = json.path("run");
        assertThat(run.path("postgres").path("earlierDonors").path("donors").asLong()).isEqualTo(3_000);
        assertThat(run.path("postgres").path("walCompression").asText()).isEqualTo("pglz");
        assertThat(run.path("postgres").path("checkpointAtWindow").has("seconds")).as("the checkpoint ended").isTrue();
        assertThat(run.path("postgres").path("checkpointAtWindow").path("seconds").asDouble()).isNotNegative();
        assertThat(run.path("postgres").path("checkpointAtWindow").has("failure")).isFalse();
        assertThat(run.path("timeline")).isNotEmpty();
        run.path("timeline").forEach(second -> assertThat(second.path("walKb").asLong(-1)).as("each second's WAL").isNotNegative());
        assertThat(output.text()).contains("Earlier donors: the database held 3,000 before the run").contains("WAL each second: median")
                .contains("Checkpoint as the window began: took");
        assertThat(run.path("mode").asText()).isEqualTo("intake");
        assertThat(run.path("passed").asBoolean()).isTrue();
        assertThat(run.path("throughput").path("textsAcknowledgedPerSecond").asDouble()).isPositive();
        assertThat(run.path("throughput").path("textsRecorded").asLong()).isEqualTo(run.path("traffic").path("textsGenerated").asLong());
        assertThat(run.path("throughput").path("thankYousTotal").asLong()).isZero();
        assertThat(run.path("throughput").path("donationsCharged").asLong()).isZero();
        assertThat(run.path("throughput").path("donationsCharging").asLong()).isPositive();
        assertThat(output.text()).contains("Warming the WAL: 8 segments");
        assertThat(run.path("postgres").path("walFilesWarmed").asLong()).isGreaterThanOrEqualTo(8);
        assertThat(run.path("postgres").path("windowWithinWarmedWal").asBoolean()).as("a short run stays within what was warmed").isTrue();
        JsonNode census = run.path("postgres").path("walCensus");
        assertThat(census.path("unit").asText()).as("intake counts a text acknowledged").isEqualTo("text");
        assertThat(census.path("byTable").path("inbound_message").path("rowsInserted").asDouble()).as(census.toString()).isGreaterThan(0.5);
    }

    @Test
    void uuidMessageIdsAreMatchedToEveryReceipt() throws Exception {
        // Proves --message-ids uuid has the simulated network answer with random-looking 36-character ids and receipts naming
        // them as given, and the platform still matches every receipt to its charge: every gift charged, none left charging
        // or unknown, the checks passed; the report's settings name the style. An unknown style is refused by the option's name.
        // The same run has the simulator write each delivery apart (--deliveries-apart), which the settings record too.
        Path report = directory.resolve("uuid.json");
        RunOutput output = bench("--rate", "100", "--for", "1s", "--no-warmup", "--no-ceiling", "--binds", "1", "--message-ids", "uuid",
                "--deliveries-apart", "--json", report.toString());

        assertThat(output.exitCode()).as(output.text()).isZero();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("settings").path("messageIds").asText()).isEqualTo("uuid");
        assertThat(json.path("settings").path("deliveries").asText()).isEqualTo("apart");
        JsonNode throughput = json.path("run").path("throughput");
        assertThat(json.path("run").path("passed").asBoolean()).isTrue();
        assertThat(throughput.path("donationsCharged").asLong()).isPositive();
        assertThat(throughput.path("donationsCharging").asLong() + throughput.path("donationsUnknown").asLong()).isZero();
        assertThat(throughput.path("thankYousTotal").asLong()).isEqualTo(throughput.path("donationsCharged").asLong());

        RunOutput refused = bench("--message-ids", "octal", "--no-ceiling");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.text()).contains("appealdesk: --message-ids must be hex or uuid, got octal");
    }

    @Test
    void aLingerHistoryOrCompressionOutOfRangeIsRefusedByItsOptionsName() {
        // Proves --text-linger-ms, --event-linger-ms, --donors-before and --wal-compression are checked before anything
        // starts, with the option's name and bounds (or choices) in the message.
        assertRefused("appealdesk: --text-linger-ms must be 0-50 ms, got 51 ms", "--text-linger-ms", "51");
        assertRefused("appealdesk: --event-linger-ms must be 0-50 ms, got -1 ms", "--event-linger-ms", "-1");
        assertRefused("appealdesk: --donors-before must be 0-20000000, got -1", "--donors-before", "-1");
        assertRefused("appealdesk: --wal-compression must be one of off, pglz, lz4, zstd, got gzip", "--wal-compression", "gzip");
    }

    /** A bench given {@code option value} (and no ceiling) exits with 2 and says {@code message}. */
    private static void assertRefused(String message, String option, String value) {
        RunOutput refused = bench(option, value, "--no-ceiling");
        assertThat(refused.exitCode()).as(option).isEqualTo(2);
        assertThat(refused.text()).contains(message);
    }

    @Test
    void aWarmupRateIsRefusedUnlessItIsARateWithAWarmup() {
        // Proves --warmup-rate takes only a rate above 0 and within the simulator's limit (not a number is refused too,
        // never taken to mean the window's rate), and only with a warm-up to run at it; all before anything starts.
        for (String rate : new String[]{"0", "-5", "NaN", "20001"}) {
            RunOutput refused = bench("--warmup-rate", rate, "--no-ceiling");
            assertThat(refused.exitCode()).as(rate).isEqualTo(2);
            assertThat(refused.text()).as(rate).contains("appealdesk: --warmup-rate must be above 0 and at most 20000 texts/s, got ");
        }
        RunOutput noWarmup = bench("--warmup-rate", "100", "--no-warmup", "--no-ceiling");
        assertThat(noWarmup.exitCode()).isEqualTo(2);
        assertThat(noWarmup.text()).contains("appealdesk: --warmup-rate needs a warm-up (not --no-warmup or --warmup 0)");
    }

    private record RunOutput(int exitCode, String text) {
    }

    /** Runs the command with its output and errors captured together (a refused option is reported on the errors). */
    private static RunOutput bench(String... options) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        PrintStream originalErrors = System.err;
        String[] args = new String[options.length + 1];
        args[0] = "bench";
        System.arraycopy(options, 0, args, 1, options.length);
        int exitCode;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            System.setErr(out);
            exitCode = Main.commandLine().execute(args);
        } finally {
            System.setOut(original);
            System.setErr(originalErrors);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return new RunOutput(exitCode, text);
    }
}
