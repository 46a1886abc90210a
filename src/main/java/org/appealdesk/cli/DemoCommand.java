package org.appealdesk.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.appealdesk.app.AppConfig;
import org.appealdesk.app.Application;
import org.appealdesk.app.Summary;
import org.appealdesk.donation.ChargeSettings;
import org.appealdesk.platform.Money;
import org.appealdesk.sim.SimSettings;
import org.appealdesk.sim.SimulatedSmsc;
import org.appealdesk.sim.TrafficPlan;
import org.appealdesk.sim.TrafficRun;
import org.appealdesk.sms.smpp.SmppSettings;
import org.appealdesk.totals.AppealTotals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference appeal against the simulated operator network: embedded PostgreSQL under ./data
 * (kept between runs), a simulated SMSC on loopback playing donors over real SMPP, the platform
 * bound to it, and the live totals page. Ends after --for, or on Ctrl-C, with a summary and the
 * ledger verification; exits non-zero if verification fails.
 */
@Command(name = "demo", description = "Run the reference appeal against a simulated operator network.")
final class DemoCommand implements Callable<Integer> {

    /** After Ctrl-C, how long the shutdown waits for the summary and verification before giving up. */
    static final Duration SHUTDOWN_WAIT_MAX = Duration.ofSeconds(90);

    /** After traffic stops, how long the demo waits for outstanding receipts before summing up. */
    static final Duration SETTLE_MAX = Duration.ofSeconds(45);

    @Option(names = "--rate", defaultValue = "20", description = "texts per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--for", description = "how long to run, e.g. 30s, 5m (default: until Ctrl-C)", converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the simulated donors (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--config", defaultValue = "config/reference-appeal.json", description = "appeal configuration (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--data", defaultValue = "data", description = "directory for the embedded PostgreSQL and demo key (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port for the live totals (0 = any free port; default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws Exception {
        if (!(rate > 0) || rate > TrafficPlan.RATE_PER_SECOND_MAX) {
            throw new IllegalArgumentException("--rate must be above 0 and at most " + TrafficPlan.RATE_PER_SECOND_MAX + ", got " + rate);
        }
        AppConfig file = AppConfig.read(config, System::getenv);
        SimSettings simSettings = SimSettings.defaults(seed);
        SimulatedSmsc smsc = SimulatedSmsc.start(simSettings);
        AppConfig settings = pointedAt(file, smsc.port(), simSettings);
        Application application = Application.start(settings, PhoneKeys.forDemo(settings.phoneKeyEnvironmentVariable(), data), data);
        String slug = settings.catalog().all().getFirst().slug();
        PrintStream out = System.out;
        out.println("Live totals: http://" + settings.http().host() + ":" + application.web.port() + "/appeals/" + slug);
        String site = "http://" + settings.http().host() + ":" + application.web.port();
        out.println("Sample article with the appeal box: " + site + "/sample-article/" + slug + "  (donate page: " + site + "/donate/" + slug + ")");
        out.println("Playing donors at " + rate + " texts/s" + (duration == null ? " until Ctrl-C" : " for " + duration.toSeconds() + " s")
                + " (seed " + seed + "); data in " + data.toAbsolutePath());

        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            interrupted.set(true);
            main.interrupt();
            try {
                // Bounded: a stop that hangs must not keep the process alive for ever.
                finished.await(SHUTDOWN_WAIT_MAX.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));

        long started = System.nanoTime();
        TrafficRun run = smsc.play(duration == null ? TrafficPlan.referenceAppeal(rate, TrafficPlan.DURATION_MAX) : TrafficPlan.referenceAppeal(rate, duration));
        int exitCode;
        try {
            watch(run, application, slug, out, started);
            run.stop();
            double seconds = (System.nanoTime() - started) / 1e9;
            settle(smsc, application, out);
            out.println();
            out.printf("Texts sent by the network: %d in %.1f s (%.1f texts/s); acknowledged: %d%n",
                    run.sent(), seconds, run.sent() / seconds, run.acked());
            Summary.read(application.database).print(out);
            out.println("Peak memory (RSS high-water mark): " + PeakMemory.describe());
            out.println("Group commit: " + application.core.texts.stats());
            out.println("Group commit: " + application.core.events.stats());
            if (Boolean.getBoolean(org.appealdesk.platform.EmbeddedPostgresServer.STATEMENT_STATISTICS_PROPERTY)) {
                org.appealdesk.platform.StatementStatistics.print(application.database, out);
            }
            exitCode = Summary.printVerification(application.core.verifier.verify(), out) ? 0 : 1;
        } finally {
            application.close();
            smsc.close();
            finished.countDown();
        }
        if (interrupted.get()) {
            // Ctrl-C: the JVM is already shutting down, and System.exit from here would block for
            // ever (Runtime.exit during shutdown), so end with the verification's exit code directly.
            System.out.flush();
            Runtime.getRuntime().halt(exitCode);
        }
        return exitCode;
    }

    /** Prints a running line each second until the run ends or Ctrl-C; notices the end within 50 ms. */
    private void watch(TrafficRun run, Application application, String slug, PrintStream out, long started) {
        long nextLine = System.nanoTime() + 1_000_000_000L;
        while (!run.isDone()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() < nextLine) {
                continue;
            }
            nextLine += 1_000_000_000L;
            AppealTotals totals = application.core.totals.totals(slug).orElse(null);
            if (totals != null) {
                out.printf("%5.0fs  texts %7d  charged %7d  %12s  pending %5d  unknown %4d  failed %5d%n",
                        (System.nanoTime() - started) / 1e9, run.acked(), totals.donationCount(), Money.ofPence(totals.chargedPence()),
                        totals.pendingCount(), totals.unknownCount(), totals.failedCount());
            }
        }
    }

    /**
     * Waits (bounded) until the network has delivered every text and receipt, then until no charge
     * awaits a report (silent ones turn UNKNOWN after the demo's short report wait).
     */
    private static void settle(SimulatedSmsc smsc, Application application, PrintStream out) {
        long deadline = System.nanoTime() + SETTLE_MAX.toNanos();
        out.println("Traffic stopped; waiting up to " + SETTLE_MAX.toSeconds() + " s for outstanding receipts...");
        smsc.awaitQuiet(SETTLE_MAX);
        while (System.nanoTime() < deadline) {
            application.core.totals.refreshNow();
            boolean pending = application.core.catalog.all().stream()
                    .map(appeal -> application.core.totals.totals(appeal.slug()).orElseThrow())
                    .anyMatch(totals -> totals.pendingCount() > 0);
            if (!pending) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.interrupted(); // Ctrl-C during settling: stop waiting, still sum up
                return;
            }
        }
    }

    /** A short report wait, so charges the network never answers show as UNKNOWN within a short demo. */
    static final Duration DEMO_REPORT_WAIT = Duration.ofSeconds(10);

    /**
     * The configuration with its SMSC connection pointed at the simulator on loopback and the
     * report wait shortened to {@link #DEMO_REPORT_WAIT}.
     */
    private AppConfig pointedAt(AppConfig file, int smscPort, SimSettings sim) {
        SmppSettings template = file.smsc().isEmpty()
                ? SmppSettings.defaults("127.0.0.1", smscPort, sim.systemId(), sim.password(), null)
                : file.smsc().getFirst();
        SmppSettings smsc = template.toBuilder().host("127.0.0.1").port(smscPort).systemId(sim.systemId()).password(sim.password()).build();
        return new AppConfig(file.databaseUrl(), file.databaseUser(), file.databasePassword(), file.databasePoolSize(),
                new org.appealdesk.web.HttpSettings("127.0.0.1", port), file.phoneKeyEnvironmentVariable(), List.of(smsc),
                new ChargeSettings(DEMO_REPORT_WAIT, file.charging().unknownExpiry(), DEMO_REPORT_WAIT, file.charging().partMaxByNetwork()),
                file.catalog(), file.web(), file.batching());
    }
}
