package org.appealdesk.app;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.Charity;
import org.appealdesk.appeal.Fund;
import org.appealdesk.appeal.TextRoute;
import org.appealdesk.donation.ChargeSettings;
import org.appealdesk.platform.Money;
import org.appealdesk.sms.smpp.SmppSettings;
import org.appealdesk.web.HttpSettings;

/**
 * The configuration file (JSON with comments), read into validated records. Any bad or missing
 * setting stops start-up with an {@link IllegalArgumentException} naming the setting, e.g.
 * "appeals[0].maxPerText: must be £0.01-£40, got £50". Frozen once read.
 *
 * @param databaseUrl "embedded" or a jdbc:postgresql: URL
 * @param batching    group commit: {@link Core.Batching#defaults()} with the file's
 *                    <ul>
 *                    <li>{@code database.intakeWriters} (default 1): writers the text intake is split
 *                    over; more take more texts a second where there are cores to spare, but on 2 cores
 *                    they starve charging (BENCHMARKS.md); each holds a pooled connection;
 *                    <li>{@code database.eventWriters} (default {@link Core.Batching#EVENT_WRITERS_DEFAULT}):
 *                    writers the charge events are split over; each holds a pooled connection;
 *                    <li>{@code database.textLingerMs} (default {@link Core.Batching#TEXT_LINGER_MS_DEFAULT})
 *                    and {@code database.eventLingerMs} (default {@link Core.Batching#EVENT_LINGER_MS_DEFAULT}):
 *                    how long the text intake and the charge events wait for more items before a
 *                    commit (not when half a batch is already waiting); longer costs less CPU an item
 *                    and delays every acknowledgement or thank-you.
 *                    </ul>
 */
public record AppConfig(
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        HttpSettings http,
        String phoneKeyEnvironmentVariable,
        List<SmppSettings> smsc,
        ChargeSettings charging,
        AppealCatalog catalog,
        WebGivingConfig web,
        Core.Batching batching) {

    public static final String EMBEDDED = "embedded";

    /** A configuration without web giving settings: defaults for every appeal, card payments off, one intake writer. */
    public AppConfig(String databaseUrl, String databaseUser, String databasePassword, int databasePoolSize, HttpSettings http,
                     String phoneKeyEnvironmentVariable, List<SmppSettings> smsc, ChargeSettings charging, AppealCatalog catalog) {
        this(databaseUrl, databaseUser, databasePassword, databasePoolSize, http, phoneKeyEnvironmentVariable, smsc, charging, catalog,
                WebGivingConfig.defaults(catalog), Core.Batching.defaults());
    }

    public static final int SMSC_CONNECTIONS_MAX = 8;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public boolean embeddedDatabase() {
        return EMBEDDED.equals(databaseUrl);
    }

    public static AppConfig read(Path file, Function<String, String> environment) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read configuration " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("configuration " + file + " must hold a JSON object");
        }
        return parse(root, environment);
    }

    static AppConfig parse(JsonNode root, Function<String, String> environment) {
        JsonNode database = required(root, "database");
        String url = text(database, "database.url");
        if (!EMBEDDED.equals(url) && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("database.url must be \"embedded\" or a jdbc:postgresql: URL");
        }
        int poolSize = optionalInteger(database, "database", "poolSize", 16);
        if (poolSize < 2 || poolSize > org.appealdesk.platform.DatabaseSettings.POOL_SIZE_LIMIT) {
            throw new IllegalArgumentException("database.poolSize must be 2-" + org.appealdesk.platform.DatabaseSettings.POOL_SIZE_LIMIT + ", got " + poolSize);
        }
        int intakeWriters = optionalInteger(database, "database", "intakeWriters", Core.Batching.TEXT_WRITERS_DEFAULT);
        // Each writer holds a connection while it commits; charging, claims, the janitor and the web need the rest.
        int intakeWritersMax = Math.min(org.appealdesk.platform.GroupCommitter.WRITERS_MAX, poolSize / 2);
        if (intakeWriters < 1 || intakeWriters > intakeWritersMax) {
            throw new IllegalArgumentException("database.intakeWriters must be 1-" + intakeWritersMax + " (at most half of poolSize "
                    + poolSize + "), got " + intakeWriters);
        }
        int eventWriters = optionalInteger(database, "database", "eventWriters", Core.Batching.EVENT_WRITERS_DEFAULT);
        // One event writer was always there beside the intake's; more must fit in the same half of the pool.
        if (eventWriters < 1 || eventWriters > intakeWritersMax || (eventWriters > 1 && intakeWriters + eventWriters > poolSize / 2)) {
            throw new IllegalArgumentException("database.eventWriters must be 1-" + intakeWritersMax + ", and above 1 at most half of poolSize "
                    + poolSize + " with intakeWriters (" + intakeWriters + "), got " + eventWriters);
        }
        Core.Batching batching = Core.Batching.defaults().withTextWriters(intakeWriters).withEventWriters(eventWriters)
                .withTextLinger(Core.Batching.linger("database.textLingerMs",
                        optionalInteger(database, "database", "textLingerMs", Core.Batching.TEXT_LINGER_MS_DEFAULT)))
                .withEventLinger(Core.Batching.linger("database.eventLingerMs",
                        optionalInteger(database, "database", "eventLingerMs", Core.Batching.EVENT_LINGER_MS_DEFAULT)));
        String passwordVariable = optionalText(database, "passwordEnvironmentVariable", null);
        String password = passwordVariable == null ? "" : environment.apply(passwordVariable);
        JsonNode httpNode = required(root, "http");
        HttpSettings http = setting("http", () -> new HttpSettings(text(httpNode, "http.host"), integer(httpNode, "http.port")));
        List<SmppSettings> smsc = new ArrayList<>();
        JsonNode smscNodes = root.path("smsc");
        if (!smscNodes.isArray() || smscNodes.size() > SMSC_CONNECTIONS_MAX) {
            throw new IllegalArgumentException("smsc: must be a list of at most " + SMSC_CONNECTIONS_MAX + " SMSC connections");
        }
        for (int i = 0; i < smscNodes.size(); i++) {
            JsonNode node = smscNodes.get(i);
            smsc.add(setting("smsc[" + i + "]", () -> {
                try {
                    return JSON.treeToValue(node, SmppSettings.class);
                } catch (IOException e) {
                    throw new IllegalArgumentException(rootCauseMessage(e));
                }
            }));
        }
        ChargeSettings charging = setting("charging", () -> charging(required(root, "charging")));
        List<Appeal> appeals = new ArrayList<>();
        JsonNode appealNodes = root.path("appeals");
        if (!appealNodes.isArray() || appealNodes.isEmpty()) {
            throw new IllegalArgumentException("appeals: at least one appeal is required");
        }
        for (int i = 0; i < appealNodes.size(); i++) {
            JsonNode node = appealNodes.get(i);
            appeals.add(setting("appeals[" + i + "]", () -> appeal(node)));
        }
        AppealCatalog catalog = setting("appeals", () -> new AppealCatalog(appeals));
        WebGivingConfig web = WebGivingConfig.parse(root, catalog, environment);
        return new AppConfig(url, optionalText(database, "user", "postgres"), password == null ? "" : password,
                poolSize, http, text(root, "phoneKeyEnvironmentVariable"), List.copyOf(smsc), charging, catalog, web, batching);
    }

    private static ChargeSettings charging(JsonNode node) {
        Map<String, Money> splits = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.path("splits").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            splits.put(field.getKey(), pounds(field.getValue(), "splits." + field.getKey()));
        }
        return new ChargeSettings(
                Duration.ofSeconds(node.path("reportWaitSeconds").asLong(600)),
                Duration.ofSeconds(node.path("unknownExpirySeconds").asLong(270_000)),
                Duration.ofSeconds(node.path("claimTimeoutSeconds").asLong(120)),
                splits);
    }

    private static Appeal appeal(JsonNode node) {
        JsonNode charity = required(node, "charity");
        List<TextRoute> routes = new ArrayList<>();
        for (JsonNode route : node.path("routes")) {
            routes.add(new TextRoute(text(route, "shortcode"), text(route, "keyword"),
                    route.hasNonNull("fixedPrice") ? pounds(route.get("fixedPrice"), "fixedPrice") : null));
        }
        List<Money> prices = new ArrayList<>();
        for (JsonNode price : node.path("prices")) {
            prices.add(pounds(price, "prices"));
        }
        return new Appeal(text(node, "slug"), text(node, "title"),
                new Charity(text(charity, "charity.name"), text(charity, "charity.registeredNumber"), text(charity, "charity.helpline")),
                routes, prices, pounds(required(node, "defaultPrice"), "defaultPrice"), text(node, "noContactSuffix"),
                fund(required(node, "designated")), fund(required(node, "overflow")),
                pounds(required(node, "maxPerText"), "maxPerText"), pounds(required(node, "dailyCapPerNumber"), "dailyCapPerNumber"),
                node.path("fullAmountToCharity").asBoolean(false), text(node, "publicBaseUrl"));
    }

    private static Fund fund(JsonNode node) {
        return new Fund(text(node, "slug"), text(node, "name"), node.hasNonNull("cap") ? pounds(node.get("cap"), "cap") : null);
    }

    private static Money pounds(JsonNode node, String name) {
        try {
            return Money.parsePounds(node.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static JsonNode required(JsonNode parent, String name) {
        JsonNode node = parent.get(name.substring(name.lastIndexOf('.') + 1));
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return node;
    }

    private static String text(JsonNode parent, String name) {
        JsonNode node = required(parent, name);
        if (!node.isTextual()) {
            throw new IllegalArgumentException(name + " must be text");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode parent, String name, String fallback) {
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? fallback : node.asText();
    }

    /** The whole number {@code field} of {@code parent} (at {@code parentPath}, for errors), or {@code fallback} when absent. */
    private static int optionalInteger(JsonNode parent, String parentPath, String field, int fallback) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException(parentPath + "." + field + " must be a whole number");
        }
        return node.asInt();
    }

    private static int integer(JsonNode parent, String name) {
        JsonNode node = required(parent, name);
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
        return node.asInt();
    }

    /** Runs a parse step, prefixing any error with where in the file it happened. */
    private static <T> T setting(String where, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message != null && message.startsWith(where) ? message : where + ": " + message, e);
        }
    }

    private static String rootCauseMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : String.valueOf(message);
    }
}
