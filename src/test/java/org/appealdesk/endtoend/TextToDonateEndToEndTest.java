package org.appealdesk.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.appealdesk.app.AppConfig;
import org.appealdesk.app.Application;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.sim.ChargeOutcome;
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
 * Seeded runs of the whole platform over real SMPP sessions on loopback against the simulated
 * operator network, with the embedded PostgreSQL: the simulator's ground truth and our books must agree.
 */
class TextToDonateEndToEndTest {

    @TempDir
    Path directory;

    @Test
    void seededRunsChargeEachTextAtMostOnceAndTheLedgerMatchesTheNetwork() throws Exception {
        // Proves, for two seeds with the realistic failure mix (declines, silence, refused submits, duplicate texts and receipts,
        // late receipts, throttling, split £20 gifts): every text is charged at most once, every delivered charge is in the ledger
        // exactly once, nothing the network did not bill is counted, UNKNOWN is never counted, the ledger balances and the
        // totals served over HTTP equal the ledger.
        for (long seed : new long[]{11, 12}) {
            runAndCheck(seed);
        }
    }

    private void runAndCheck(long seed) throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            runAndCheck(seed, logs);
        } finally {
            root.detachAppender(logs);
        }
    }

    private void runAndCheck(long seed, ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs) throws Exception {
        Database database = TestDatabase.clean();
        SimSettings simSettings = SimSettings.defaults(seed).toBuilder().lateReceiptDelayMsMax(3_000).build();
        try (SimulatedSmsc smsc = SimulatedSmsc.start(simSettings)) {
            AppConfig config = AppConfig.read(EndToEndSupport.configFor(directory, simSettings, smsc.port(), 10), Map.<String, String>of()::get);
            try (Application application = Application.start(config, Fixtures.vault(), directory)) {
                TrafficRun run = smsc.play(TrafficPlan.referenceAppeal(400, 2_000).withTwentyShare(0.1));
                assertThat(run.awaitSent(Duration.ofSeconds(60))).as("all texts sent").isTrue();
                assertThat(smsc.awaitQuiet(Duration.ofSeconds(60))).as("network quiet: every text and receipt acknowledged").isTrue();
                SimLedger truth = smsc.ledger();
                assertThat(EndToEndSupport.awaitTrue(Duration.ofSeconds(30), () ->
                        TestDatabase.count(database, "select count(*) from charge_part where state in ('PENDING', 'SUBMITTED')")
                                == truth.chargeAttempts(ChargeOutcome.NO_RECEIPT))).as("only never-receipted charges still wait").isTrue();

                // Every genuine text recorded once; duplicate deliveries recorded nothing new.
                assertThat(truth.mosPending()).isZero();
                assertThat(truth.duplicateMosAcked()).as("the run exercised duplicate texts").isPositive();
                assertThat(TestDatabase.count(database, "select count(*) from inbound_message")).isEqualTo(truth.mosGenerated());

                // Never charged twice, never more than texted.
                assertThat(truth.requestIdsBilledTwice()).isZero();
                assertThat(truth.requestIdsSubmittedMoreThanOnce()).isZero();
                assertThat(truth.donorsBilledMoreThanTexted()).isEmpty();

                // Our part states agree with what the network did, request id by request id.
                Map<String, String> parts = EndToEndSupport.partStates(database);
                for (SimLedger.ChargeTruth charge : truth.charges().values()) {
                    String ours = parts.get(charge.requestId());
                    assertThat(ours).as("request id the network saw is ours").isNotNull();
                    if (charge.billed()) {
                        assertThat(ours).as("billed " + charge.requestId()).isEqualTo("CHARGED");
                    } else {
                        assertThat(ours).as("not billed " + charge.requestId()).isNotEqualTo("CHARGED");
                    }
                }
                assertThat(parts).hasSize((int) truth.distinctRequestIds());

                // The ledger's receivables equal the network's bills to the penny (charges and partial charges), apart from
                // parts charged for split gifts whose other part still awaits its report: those are booked when the gift resolves.
                long booked = TestDatabase.count(database, "select coalesce(sum(p.amount_pence), 0) from posting p join account a on a.id = p.account_id"
                        + " where a.kind = 'RECEIVABLE'");
                long awaitingSibling = TestDatabase.count(database, "select coalesce(sum(p.amount_pence), 0) from charge_part p"
                        + " join donation d on d.id = p.donation_id where p.state = 'CHARGED' and d.state in ('CHARGING', 'UNKNOWN')");
                assertThat(booked + awaitingSibling).isEqualTo(truth.totalBilledPence());
                assertThat(TestDatabase.count(database, "select count(*) from charge_report where repeats > 0")).as("duplicate receipts arrived").isPositive();

                LedgerVerifier.Report report = application.core.verifier.verify();
                assertThat(report.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.name() + " " + check.examples()).isTrue());

                application.core.totals.refreshNow();
                JsonNode totals = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + application.web.port() + "/api/appeals/sun-ukraine/totals")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                long chargedDonations = TestDatabase.count(database, "select coalesce(sum(amount_pence), 0) from donation where state = 'CHARGED'");
                assertThat(totals.get("chargedPence").asLong()).isEqualTo(chargedDonations).isPositive();
                assertThat(totals.get("donationCount").asLong())
                        .isEqualTo(TestDatabase.count(database, "select count(*) from donation where state = 'CHARGED'"));
                assertThat(totals.get("unknownCount").asLong() + totals.get("pendingCount").asLong())
                        .isEqualTo(TestDatabase.count(database, "select count(*) from donation where state in ('UNKNOWN', 'CHARGING')"));
                // What an on-call engineer watches at a peak: every text acted on, none left waiting in memory or the database.
                String scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + application.web.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(scraped).containsPattern("(?m)^appealdesk_texts_waiting 0\\.0$").containsPattern("(?m)^appealdesk_texts_waiting_database 0\\.0$");
                // No donor's number reached a log line, and none is stored outside its encrypted column.
                assertThat(logs.list).isNotEmpty();
                java.util.Set<String> numbers = new java.util.HashSet<>();
                truth.donors().keySet().forEach(number -> numbers.add(number.digits()));
                for (ch.qos.logback.classic.spi.ILoggingEvent event : logs.list) {
                    String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
                    java.util.regex.Matcher digits = java.util.regex.Pattern.compile("\\d{10,15}").matcher(line);
                    while (digits.find()) {
                        assertThat(numbers).as("log line leaks a donor's number: " + event.getLoggerName()).doesNotContain(digits.group());
                    }
                }
                assertThat(TestDatabase.count(database, "select count(*) from donor where phone_encrypted is null")).isZero();

                assertThat(TestDatabase.count(database, "select count(*) from donation where amount_pence = 2000 and state = 'CHARGED' and network = 'three'"
                        + " and id in (select donation_id from charge_part group by donation_id having count(*) = 2)")).as("split £20 gifts charged").isPositive();
            }
        }
    }
}
