package org.appealdesk.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.appealdesk.app.AppConfig;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.appeal.PromoWording;
import org.appealdesk.web.AppealBox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints an appeal's promotion wording, generated from the configuration (never typed by hand). */
@Command(name = "promo", description = "Print the promotion wording (or the article appeal box) of an appeal, from its configuration.")
final class PromoCommand implements Callable<Integer> {

    enum Format { text, html, json }

    @Option(names = "--appeal", required = true, description = "the appeal's slug")
    String appealSlug;

    @Option(names = "--config", defaultValue = "config/reference-appeal.json", description = "configuration file (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--format", defaultValue = "text", description = "text (the wording), html (the article appeal box) or json (every line); default: ${DEFAULT-VALUE}")
    Format format;

    @Override
    public Integer call() throws Exception {
        AppConfig settings = AppConfig.read(config, System::getenv);
        Appeal appeal = settings.catalog().bySlug(appealSlug).orElseThrow(() -> new IllegalArgumentException(
                "--appeal: no appeal called '" + appealSlug + "' in " + config + " (known: " + String.join(", ",
                        settings.catalog().all().stream().map(Appeal::slug).sorted().toList()) + ")"));
        AppealWebSettings web = settings.web().settings(appeal.slug());
        PromoWording wording = PromoWording.of(appeal, web);
        switch (format) {
            case text -> {
                System.out.println(wording.headline());
                System.out.println();
                System.out.println(wording.howToText());
                System.out.println(wording.byCard());
                wording.smallPrint().forEach(System.out::println);
            }
            case html -> System.out.print(AppealBox.html(appeal, web));
            case json -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("appeal", appeal.slug());
                json.put("headline", wording.headline());
                json.put("plainText", wording.plainText());
                json.put("boxHtml", AppealBox.html(appeal, web));
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
            }
        }
        return 0;
    }
}
