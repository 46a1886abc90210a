package org.appealdesk.endtoend;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.appealdesk.platform.Database;
import org.appealdesk.sim.SimSettings;
import org.appealdesk.support.TestDatabase;

/** Shared pieces of the end-to-end tests: a configuration pointed at the test database and simulator, and SQL probes. */
final class EndToEndSupport {

    private EndToEndSupport() {
    }

    /** The shipped reference configuration, with the database, SMSC and HTTP port replaced for a test. */
    static Path configFor(Path directory, SimSettings sim, int smscPort, int claimTimeoutSeconds) {
        try {
            ObjectMapper json = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();
            ObjectNode root = (ObjectNode) json.readTree(Files.readString(Path.of("config/reference-appeal.json")));
            ObjectNode database = (ObjectNode) root.get("database");
            database.put("url", TestDatabase.server().settings(16).jdbcUrl());
            database.put("poolSize", 16);
            database.remove("passwordEnvironmentVariable");
            ((ObjectNode) root.get("http")).put("port", 0);
            ObjectNode smsc = (ObjectNode) root.withArray("smsc").get(0);
            smsc.put("port", smscPort);
            smsc.put("systemId", sim.systemId());
            smsc.put("password", sim.password());
            ObjectNode charging = (ObjectNode) root.get("charging");
            charging.put("claimTimeoutSeconds", claimTimeoutSeconds);
            charging.put("reportWaitSeconds", 120);
            Path file = directory.resolve("appealdesk-test.json");
            Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Charge part state by request id, straight from the database. */
    static Map<String, String> partStates(Database database) {
        return database.inTransaction(connection -> {
            Map<String, String> states = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("select request_id, state from charge_part");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    states.put(rows.getString(1), rows.getString(2));
                }
            }
            return states;
        });
    }

    /** Polls until {@code condition} holds or the deadline passes; returns whether it held. */
    static boolean awaitTrue(Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
