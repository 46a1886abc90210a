package org.appealdesk.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the micro-benchmarks of this package with JMH (see BENCHMARKS.md for the command). With no
 * arguments it runs them all and writes JMH's JSON to bench-results/jmh-UTC-TIME.json; any
 * arguments are JMH's own (a benchmark regex, -f, -wi, -i, -rf, -rff, -h...) and replace the defaults.
 */
public final class JmhMain {

    private JmhMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jmh = new ArrayList<>(List.of(args));
        if (jmh.isEmpty()) {
            Path results = Path.of("bench-results");
            Files.createDirectories(results);
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            jmh.addAll(List.of("org\\.appealdesk\\.bench\\..*", "-rf", "json", "-rff", results.resolve("jmh-" + stamp + ".json").toString()));
        }
        org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
    }
}
