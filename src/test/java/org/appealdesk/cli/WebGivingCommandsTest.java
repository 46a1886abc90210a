package org.appealdesk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.appealdesk.app.Core;
import org.appealdesk.donation.CardGifts;
import org.appealdesk.giftaid.Declaration;
import org.appealdesk.platform.Money;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `appealdesk promo` and `appealdesk giftaid export` as an operator runs them. */
class WebGivingCommandsTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setErr(new java.io.PrintWriter(errors, true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("appealdesk: " + e.getMessage());
            return 2;
        });
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int code = commandLine.execute(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
        }
    }

    @Test
    void promoPrintsTheGeneratedWordingAndTheAppealBox() {
        // Proves: the promo command prints the wording generated from the shipped configuration, the HTML box on request, and names the
        // known appeals when asked for an unknown one.
        Run text = run("promo", "--appeal", "sun-ukraine");
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("The Sun Ukraine Appeal", "Text SUN5 to 70141 to give £5.", "Texts cost £5 + one standard network rate message",
                "British Red Cross (registered charity 220949) receives 100% of your text donation.", "16 or over", "/terms/sun-ukraine");
        Run html = run("promo", "--appeal", "sun-ukraine", "--format", "html");
        assertThat(html.out()).startsWith("<aside class=\"appealdesk-box\"").contains("/widget/sun-ukraine", "Donate here");
        Run unknown = run("promo", "--appeal", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no appeal called 'nope'", "sun-ukraine");
    }

    @Test
    void giftAidExportWritesTheScheduleOnceAndCanWriteItAgain(@TempDir Path directory) throws Exception {
        // Proves: the export writes the HMRC schedule of declared, charged gifts to a file and marks them claimed; a second run claims
        // nothing; --batch writes the same schedule again without claiming; an existing file is never overwritten.
        try (Core core = Fixtures.core(TestDatabase.clean(), Fixtures.catalog(250_000)).totalsRefresh(Duration.ofMillis(100)).start()) {
            CardGifts.CardGift gift = core.cardGifts.start(core.catalog.bySlug("sun-ukraine").orElseThrow(), Money.ofPounds(40));
            core.cardGifts.succeeded(gift.requestId());
            core.giftAid.declare(gift.giftAidToken(), new Declaration("Mr", "Taras", "Shevchenko", "7", "CF10 1EP"));
        }
        String jdbcUrl = TestDatabase.server().settings(2).jdbcUrl();
        Path config = directory.resolve("config.json");
        Files.writeString(config, Files.readString(Path.of("config/reference-appeal.json")).replace("\"url\": \"embedded\"", "\"url\": \"" + jdbcUrl + "\""));
        Path schedule = directory.resolve("claim.csv");

        Run first = run("giftaid", "export", "--appeal", "sun-ukraine", "--config", config.toString(), "--out", schedule.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("1 donations, £40", "Gift Aid due £10");
        assertThat(Files.readString(schedule)).contains("Mr,Taras,Shevchenko,7,CF10 1EP,,,", ",40.00");
        Run second = run("giftaid", "export", "--appeal", "sun-ukraine", "--config", config.toString(), "--out", directory.resolve("again.csv").toString());
        assertThat(second.out()).contains("Nothing to claim");
        assertThat(directory.resolve("again.csv")).doesNotExist();
        Run overwrite = run("giftaid", "export", "--appeal", "sun-ukraine", "--config", config.toString(), "--out", schedule.toString());
        assertThat(overwrite.exitCode()).isEqualTo(2);
        assertThat(overwrite.err()).contains("never overwritten");
        String batch = first.out().replaceAll("(?s).*Claim schedule (\\d+):.*", "$1");
        Path copy = directory.resolve("copy.csv");
        Run reprint = run("giftaid", "export", "--appeal", "sun-ukraine", "--config", config.toString(), "--batch", batch, "--out", copy.toString());
        assertThat(reprint.exitCode()).as(reprint.err()).isZero();
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(schedule));
    }
}
