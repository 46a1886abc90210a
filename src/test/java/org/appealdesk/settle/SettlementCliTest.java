package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.appealdesk.cli.Main;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The staff commands end to end through the real command line, against the test database named in a configuration file. */
class SettlementCliTest {

    private SettleKit kit;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        kit = new SettleKit(1_000, Instant.parse("2026-03-10T12:00:00Z"));
        String url = TestDatabase.server().settings(2).jdbcUrl();
        String reference = Files.readString(Path.of("config/reference-appeal.json"));
        config = Files.createTempFile("appealdesk-cli", ".json");
        Files.writeString(config, reference.replace("\"url\": \"embedded\"", "\"url\": \"" + url + "\""));
    }

    @AfterEach
    void stop() throws java.io.IOException {
        kit.close();
        Files.deleteIfExists(config);
    }

    private record Run(int exitCode, String out) {
    }

    private Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            String[] withConfig = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--config", config.toString()))
                    .toArray(String[]::new);
            int code = new CommandLine(new Main()).execute(withConfig);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void importDecideRefundPayAndReportFromTheCommandLine() throws Exception {
        // Proves: the commands are wired and say what they did: an import with its classes (and "already imported" the second time),
        // status with open differences, a write-off decision, a refund, a payout prepared and confirmed, the remittance advice,
        // the donation's history and the 100% report (exit 0 when the identity holds).
        long settled = kit.give(1, "SUN10", "ee");
        long missing = kit.give(2, "SUN5", "ee");
        long refunded = kit.give(3, "SUN3", "ee");
        Path report = kit.report(List.of(SettleKit.line(kit.chargesOfDonation(settled).getFirst()), SettleKit.line(kit.chargesOfDonation(refunded).getFirst()),
                "adNOBODY,,,700,2026-03-05T10:00:00Z,charged", "adBAD,,,lots,2026-03-05T10:00:00Z,charged"));

        Run imported = run("settle", "import", report.toString(), "--network", "ee", "--period", "2026-03", "--by", "alice");
        assertThat(imported.exitCode()).isZero();
        assertThat(imported.out()).contains("Import #").contains("matched").contains("line 5: amount_pence must be a whole number of pence");
        assertThat(run("settle", "import", report.toString(), "--network", "ee", "--period", "2026-03").out()).contains("Already imported");

        Run status = run("settle", "status", "--network", "ee", "--period", "2026-03");
        assertThat(status.out()).contains("Open differences").contains("part:").contains("in the report, unknown here");
        long missingPart = kit.chargesOfDonation(missing).getFirst().partId();
        assertThat(run("settle", "resolve", "part:" + missingPart, "--action", "write-off", "--reason", "ee lost it", "--by", "carol").out())
                .contains("Decision").contains("written off £5");
        assertThat(run("settle", "resolve", "part:" + missingPart, "--action", "write-off", "--reason", "again").exitCode()).isEqualTo(1);

        assertThat(run("refund", String.valueOf(refunded), "--reason", "donor asked", "--by", "dave").out()).contains("Refunded £3.00");
        Run prepared = run("payout", "prepare", "--appeal", "sun-ukraine", "--by", "erin");
        assertThat(prepared.out()).contains("£10.00 from fund ukraine-crisis reserved");
        long payout = Long.parseLong(prepared.out().replaceAll("(?s).*Payout (\\d+): .*", "$1"));
        assertThat(run("payout", "confirm", String.valueOf(payout), "--reference", "BACS-1").out()).contains("PAID");
        assertThat(run("payout", "list").out()).contains("BACS-1");
        Path remittance = Files.createTempFile("remittance", ".csv");
        run("payout", "remittance", "--appeal", "sun-ukraine", "--out", remittance.toString());
        assertThat(Files.readString(remittance)).contains("ukraine-crisis,ee,2026-03,1800,800,1000,1000");

        Path export = Files.createTempFile("export", ".csv");
        run("settle", "export", "--network", "ee", "--period", "2026-03", "--out", export.toString());
        assertThat(Files.readAllLines(export)).hasSize(4).anySatisfy(line -> assertThat(line).startsWith("UNKNOWN_HERE"));

        assertThat(run("donation", String.valueOf(refunded)).out()).contains("REFUNDED").contains("donor asked");
        Run hundred = run("report", "--appeal", "sun-ukraine");
        assertThat(hundred.exitCode()).isZero();
        assertThat(hundred.out()).contains("paid + reserved + outstanding + refunded == charged: holds").contains("paid to the charity");
        assertThat(run("report", "--appeal", "sun-ukraine", "--json").out()).contains("\"identityHolds\" : true");
        kit.assertVerified();
    }
}
