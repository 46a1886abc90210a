package org.appealdesk.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.sim.SimLedger;
import org.appealdesk.sim.SimSettings;
import org.appealdesk.sim.SimulatedSmsc;
import org.appealdesk.sim.TrafficPlan;
import org.appealdesk.sim.TrafficRun;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform runs as its own process (`serve`) against the test PostgreSQL and the simulated
 * network, is killed with SIGKILL in the middle of a run, and is started again.
 */
class RestartEndToEndTest {

    @TempDir
    Path directory;

    @Test
    void aKilledProcessLosesNoAcknowledgedTextAndChargesNothingTwice() throws Exception {
        // Proves: after kill -9 mid-run and a restart, every text the network saw acknowledged is recorded exactly once,
        // no charge request id is sent or billed twice, no donor pays more than they texted, what the network billed is
        // charged (or honestly UNKNOWN where the kill swallowed the answer), and the ledger verifies.
        Database database = TestDatabase.clean();
        SimSettings simSettings = SimSettings.defaults(21).toBuilder().lateReceiptDelayMsMax(3_000).build();
        try (SimulatedSmsc smsc = SimulatedSmsc.start(simSettings)) {
            Path config = EndToEndSupport.configFor(directory, simSettings, smsc.port(), 3);
            Process first = startServe(config, "first");
            assertThat(EndToEndSupport.awaitTrue(Duration.ofSeconds(60), () -> smsc.boundSessions() == 2)).as("first process bound").isTrue();

            TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(300, 3_000));
            assertThat(EndToEndSupport.awaitTrue(Duration.ofSeconds(30), () -> run.acked() >= 900)).isTrue();
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no polite unbind
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long ackedBeforeKill = smsc.ledger().mosAcked();
            // Texts acknowledged but not yet acted on when the process died (a few, at 300/s): the next start's sweep takes them.
            System.out.println("texts pending after the kill: " + TestDatabase.count(database, "select count(*) from text_pending"));
            assertThat(run.isDone()).as("killed in the middle of the run").isFalse();

            Process second = startServe(config, "second");
            try {
                assertThat(run.awaitSent(Duration.ofSeconds(90))).isTrue();
                assertThat(smsc.awaitQuiet(Duration.ofSeconds(90))).as("network quiet after restart").isTrue();
                assertThat(EndToEndSupport.awaitTrue(Duration.ofSeconds(60), () ->
                        TestDatabase.count(database, "select count(*) from text_pending") == 0
                                && TestDatabase.count(database, "select count(*) from outbox where state in ('PENDING', 'SENDING')") == 0
                                && TestDatabase.count(database, "select count(*) from charge_part where state = 'PENDING'") == 0))
                        .as("every acknowledged text acted on, every claimed message answered or handed to the janitor").isTrue();
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }

            SimLedger truth = smsc.ledger();
            assertThat(ackedBeforeKill).isPositive().isLessThan(truth.mosGenerated());
            assertThat(truth.mosPending()).isZero();
            assertThat(TestDatabase.count(database, "select count(*) from inbound_message")).isEqualTo(truth.mosGenerated());
            assertThat(TestDatabase.count(database, "select count(*) from inbound_message m where m.command = 'DONATE'"
                    + " and not exists (select 1 from donation d where d.inbound_id = m.id)")).as("every gift asked for became a donation").isZero();
            assertThat(truth.requestIdsSubmittedMoreThanOnce()).isZero();
            assertThat(truth.requestIdsBilledTwice()).isZero();
            assertThat(truth.donorsBilledMoreThanTexted()).isEmpty();

            Map<String, String> parts = EndToEndSupport.partStates(database);
            for (SimLedger.ChargeTruth charge : truth.charges().values()) {
                String ours = parts.get(charge.requestId());
                if (charge.billed()) {
                    assertThat(ours).as("billed " + charge.requestId()).isIn("CHARGED", "UNKNOWN");
                } else {
                    assertThat(ours).as("not billed " + charge.requestId()).isNotEqualTo("CHARGED");
                }
            }
            LedgerVerifier.Report report = new LedgerVerifier(database).verify();
            assertThat(report.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.name() + " " + check.examples()).isTrue());
        }
    }

    /** Starts `appealdesk serve` as a separate JVM on this test's class path, output kept in a file for diagnosis. */
    private Process startServe(Path config, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.appealdesk.cli.Main", "serve", "--config", config.toString(), "--data", directory.resolve("data").toString()));
        builder.environment().put("APPEALDESK_PHONE_KEY", Fixtures.PHONE_KEY);
        File log = directory.resolve(name + ".log").toFile();
        builder.redirectErrorStream(true).redirectOutput(log);
        return builder.start();
    }
}
