package org.appealdesk.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.donation.CardGifts;
import org.appealdesk.platform.Money;
import org.appealdesk.web.StripeSettings;

/**
 * The web-giving part of the configuration: each appeal's optional "web" object (card amounts,
 * closing time, publisher, refunds contact), the top-level "stripe" object (where the keys are) and
 * the top-level "web" object. Like the rest of the file, a bad setting stops start-up with a message
 * that names it, e.g. "appeals[0].web.cardAmountMax: must be £1-£10000, got £20000"; unknown keys are
 * refused too, so a typo cannot silently switch a rule off.
 *
 * <p>Card payments are off (the donate page offers text giving instead) when there is no "stripe"
 * object or its key variables are unset; {@code cardPaymentsOffReason} says which. One key set
 * without the other is a bad setting.
 *
 * @param stripe                null when card payments are off
 * @param sampleArticle         serve the sample news article showing the appeal box (the demo turns it on)
 */
public record WebGivingConfig(Map<String, AppealWebSettings> appeals, StripeSettings stripe, String cardPaymentsOffReason, boolean sampleArticle) {

    private static final Set<String> APPEAL_KEYS = Set.of("suggestedAmounts", "cardAmountMin", "cardAmountMax", "cardFullAmountToCharity",
            "closesAt", "publisherName", "refundsContact");
    private static final Set<String> STRIPE_KEYS = Set.of("apiBase", "secretKeyEnvironmentVariable", "webhookSecretEnvironmentVariable",
            "webhookToleranceSeconds", "requestTimeoutMs", "networkRetriesMax", "checkoutExpiryMinutes");
    private static final Set<String> WEB_KEYS = Set.of("sampleArticle");

    public WebGivingConfig {
        appeals = Map.copyOf(appeals);
        if ((stripe == null) == (cardPaymentsOffReason == null)) {
            throw new IllegalArgumentException("card payments are either configured (stripe) or off with a reason, not both or neither");
        }
    }

    /** Every appeal with default web settings and card payments off: for configurations without web giving. */
    public static WebGivingConfig defaults(AppealCatalog catalog) {
        Map<String, AppealWebSettings> appeals = new HashMap<>();
        catalog.all().forEach(appeal -> appeals.put(appeal.slug(), AppealWebSettings.defaults(appeal)));
        return new WebGivingConfig(appeals, null, "no \"stripe\" settings in the configuration", false);
    }

    /** The web settings of an appeal in the catalog. */
    public AppealWebSettings settings(String appealSlug) {
        AppealWebSettings settings = appeals.get(appealSlug);
        if (settings == null) {
            throw new IllegalArgumentException("no web settings for appeal " + appealSlug);
        }
        return settings;
    }

    /** The same settings with Stripe pointed elsewhere (tests and the demo's local stand-ins). */
    public WebGivingConfig withStripe(StripeSettings other) {
        return new WebGivingConfig(appeals, other, other == null ? "card payments turned off" : null, sampleArticle);
    }

    static WebGivingConfig parse(JsonNode root, AppealCatalog catalog, Function<String, String> environment) {
        Map<String, AppealWebSettings> appeals = new HashMap<>();
        JsonNode appealNodes = root.path("appeals");
        for (int i = 0; i < appealNodes.size(); i++) {
            JsonNode node = appealNodes.get(i);
            Appeal appeal = catalog.bySlug(node.path("slug").asText()).orElseThrow();
            String where = "appeals[" + i + "].web";
            JsonNode web = node.get("web");
            appeals.put(appeal.slug(), web == null || web.isNull() ? AppealWebSettings.defaults(appeal) : appealSettings(web, appeal, where));
        }
        JsonNode web = root.get("web");
        boolean sampleArticle = false;
        if (web != null && !web.isNull()) {
            requireObjectWithKeys(web, "web", WEB_KEYS);
            sampleArticle = bool(web, "sampleArticle", "web.sampleArticle", false);
        }
        JsonNode stripe = root.get("stripe");
        if (stripe == null || stripe.isNull()) {
            return new WebGivingConfig(appeals, null, "no \"stripe\" settings in the configuration", sampleArticle);
        }
        requireObjectWithKeys(stripe, "stripe", STRIPE_KEYS);
        String secretVariable = text(stripe, "secretKeyEnvironmentVariable", "stripe.secretKeyEnvironmentVariable", null);
        String webhookVariable = text(stripe, "webhookSecretEnvironmentVariable", "stripe.webhookSecretEnvironmentVariable", null);
        if (secretVariable == null || webhookVariable == null) {
            throw new IllegalArgumentException("stripe.secretKeyEnvironmentVariable and stripe.webhookSecretEnvironmentVariable are both required");
        }
        String secret = blankToNull(environment.apply(secretVariable));
        String webhookSecret = blankToNull(environment.apply(webhookVariable));
        if (secret == null && webhookSecret == null) {
            return new WebGivingConfig(appeals, null, secretVariable + " and " + webhookVariable + " are not set", sampleArticle);
        }
        if (secret == null || webhookSecret == null) {
            throw new IllegalArgumentException("stripe: " + (secret == null ? secretVariable : webhookVariable)
                    + " is not set, but " + (secret == null ? webhookVariable : secretVariable) + " is: set both or neither");
        }
        try {
            StripeSettings settings = new StripeSettings(
                    text(stripe, "apiBase", "stripe.apiBase", StripeSettings.API_BASE_DEFAULT), secret, webhookSecret,
                    integer(stripe, "webhookToleranceSeconds", "stripe.webhookToleranceSeconds", StripeSettings.WEBHOOK_TOLERANCE_DEFAULT),
                    integer(stripe, "requestTimeoutMs", "stripe.requestTimeoutMs", StripeSettings.REQUEST_TIMEOUT_DEFAULT_MS),
                    integer(stripe, "networkRetriesMax", "stripe.networkRetriesMax", StripeSettings.NETWORK_RETRIES_DEFAULT),
                    integer(stripe, "checkoutExpiryMinutes", "stripe.checkoutExpiryMinutes", StripeSettings.CHECKOUT_EXPIRY_MIN_MINUTES));
            return new WebGivingConfig(appeals, settings, null, sampleArticle);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.startsWith("stripe") ? message : "stripe: " + message + " (" + secretVariable + " / " + webhookVariable + ")");
        }
    }

    private static AppealWebSettings appealSettings(JsonNode web, Appeal appeal, String where) {
        requireObjectWithKeys(web, where, APPEAL_KEYS);
        AppealWebSettings defaults = AppealWebSettings.defaults(appeal);
        List<Money> suggested = new ArrayList<>();
        JsonNode amounts = web.get("suggestedAmounts");
        if (amounts == null) {
            suggested.addAll(defaults.suggestedAmounts());
        } else if (!amounts.isArray()) {
            throw new IllegalArgumentException(where + ".suggestedAmounts must be a list of pound amounts, like [\"3\", \"5\", \"10\"]");
        } else {
            amounts.forEach(amount -> suggested.add(pounds(amount, where + ".suggestedAmounts")));
        }
        Money min = web.has("cardAmountMin") ? pounds(web.get("cardAmountMin"), where + ".cardAmountMin") : defaults.cardAmountMin();
        Money max = web.has("cardAmountMax") ? pounds(web.get("cardAmountMax"), where + ".cardAmountMax") : defaults.cardAmountMax();
        requireWithinCardGifts(min, where + ".cardAmountMin");
        requireWithinCardGifts(max, where + ".cardAmountMax");
        LocalDateTime closesAt = null;
        String closes = text(web, "closesAt", where + ".closesAt", null);
        if (closes != null) {
            try {
                closesAt = LocalDateTime.parse(closes);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + ".closesAt must be a UK local date and time like \"2027-03-31T23:59\", got '" + closes + "'");
            }
        }
        try {
            return new AppealWebSettings(suggested, min, max, bool(web, "cardFullAmountToCharity", where + ".cardFullAmountToCharity", false), closesAt,
                    text(web, "publisherName", where + ".publisherName", defaults.publisherName()),
                    text(web, "refundsContact", where + ".refundsContact", defaults.refundsContact()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static void requireWithinCardGifts(Money amount, String name) {
        if (CardGifts.AMOUNT_MIN.isGreaterThan(amount) || amount.isGreaterThan(CardGifts.AMOUNT_MAX)) {
            throw new IllegalArgumentException(name + ": must be " + CardGifts.AMOUNT_MIN + "-" + CardGifts.AMOUNT_MAX + ", got " + amount);
        }
    }

    private static void requireObjectWithKeys(JsonNode node, String where, Set<String> allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(where + "." + name + " is not a setting (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Money pounds(JsonNode node, String name) {
        if (!node.isTextual() && !node.isNumber()) {
            throw new IllegalArgumentException(name + ": must be a pound amount like \"5\" or \"7.50\"");
        }
        try {
            return Money.parsePounds(node.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode parent, String key, String name, String fallback) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(name + " must be text");
        }
        return node.asText();
    }

    private static int integer(JsonNode parent, String key, String name, int fallback) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
        return node.asInt();
    }

    private static boolean bool(JsonNode parent, String key, String name, boolean fallback) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new IllegalArgumentException(name + " must be true or false");
        }
        return node.asBoolean();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
