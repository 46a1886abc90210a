package org.appealdesk.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.appealdesk.donation.CardGifts;
import org.appealdesk.platform.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe's webhook: the only way a card gift becomes charged. The signature is checked with
 * Stripe's own scheme (HMAC-SHA256 of "timestamp.payload" with the endpoint secret, within the
 * tolerance) before the body is even parsed; anything unsigned, forged or too old is refused with a
 * 400 and changes nothing.
 *
 * <p>Stripe delivers at least once and in no fixed order. So every outcome is applied through the
 * card gift's lifecycle, which ignores what no longer applies (a second success, a failure after a
 * success, an expiry after a payment); an event seen before is recognised by its id and only
 * counted. The event is recorded after its outcome is applied, so a crash in between leads to a
 * harmless second application on Stripe's retry, never to a lost payment.
 */
final class StripeWebhook {

    private static final Logger log = LoggerFactory.getLogger(StripeWebhook.class);
    static final String REQUEST_ID_KEY = "request_id";
    static final String CURRENCY = "gbp";
    /** Checkout events are a few kB; a body ten times that is not from Stripe. */
    static final int BODY_BYTES_MAX = 64 * 1024;
    static final int SIGNATURE_HEADER_LENGTH_MAX = 2_048;
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_]{1,255}");
    /** Our request ids ("ap" + 28 characters, donation.RequestIds; "ad" + 24 before); other payments on the same Stripe account are not ours. */
    private static final Pattern REQUEST_ID = Pattern.compile("a[dp][0-9A-Za-z]{8,78}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer to Stripe: a status and a small JSON body. */
    record Answer(int status, Map<String, Object> json) {
        static Answer refused(int status, String error) {
            return new Answer(status, Map.of("error", error));
        }
    }

    private final CardGifts cardGifts;
    private final Database database;
    private final String secret;
    private final long toleranceSeconds;
    private final Clock clock;

    StripeWebhook(CardGifts cardGifts, Database database, StripeSettings settings, InstantSource clock) {
        this.cardGifts = cardGifts;
        this.database = database;
        this.secret = settings.webhookSecret();
        this.toleranceSeconds = settings.webhookToleranceSeconds();
        this.clock = clock.withZone(ZoneOffset.UTC);
    }

    Answer handle(byte[] body, String signatureHeader) {
        if (body.length > BODY_BYTES_MAX) {
            return Answer.refused(413, "body larger than " + BODY_BYTES_MAX + " bytes");
        }
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return Answer.refused(400, "missing Stripe-Signature header");
        }
        if (signatureHeader.length() > SIGNATURE_HEADER_LENGTH_MAX) {
            return Answer.refused(400, "Stripe-Signature header longer than " + SIGNATURE_HEADER_LENGTH_MAX + " characters");
        }
        String payload = new String(body, StandardCharsets.UTF_8);
        try {
            Webhook.Signature.verifyHeader(payload, signatureHeader, secret, toleranceSeconds, clock);
        } catch (SignatureVerificationException e) {
            log.warn("refused a webhook whose signature did not verify: {}", e.getMessage());
            return Answer.refused(400, "signature verification failed: " + e.getMessage());
        } catch (RuntimeException e) {
            // Stripe's parser throws e.g. NumberFormatException on "t=abc": a malformed header, not a bug here.
            log.warn("refused a webhook with a malformed Stripe-Signature header: {}", e.toString());
            return Answer.refused(400, "malformed Stripe-Signature header");
        }
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            return Answer.refused(400, "body is not JSON");
        }
        if (event == null || !event.isObject() || !event.path("id").isTextual() || !event.path("type").isTextual()
                || !event.path("data").path("object").isObject()) {
            return Answer.refused(400, "not a Stripe event: id, type and data.object are required");
        }
        String eventId = event.get("id").asText();
        if (!EVENT_ID.matcher(eventId).matches()) {
            return Answer.refused(400, "event id is malformed");
        }
        if (seenBefore(eventId)) {
            return new Answer(200, Map.of("received", true, "duplicate", true));
        }
        String type = event.get("type").asText();
        JsonNode object = event.get("data").get("object");
        String requestId = requestId(object);
        String outcome = apply(type, object, requestId);
        record(eventId, type, requestId, outcome);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("received", true);
        answer.put("outcome", outcome);
        return new Answer(200, answer);
    }

    private String apply(String type, JsonNode object, String requestId) {
        boolean checkoutEvent = type.startsWith("checkout.session.");
        if (!checkoutEvent) {
            return "ignored: not a checkout event";
        }
        if (requestId == null) {
            return "ignored: not an Appealdesk payment";
        }
        Long amountPence = amountOf(requestId);
        if (amountPence == null) {
            log.warn("webhook {} names request {} which is no card gift here", type, requestId);
            return "ignored: no such card gift";
        }
        return switch (type) {
            case "checkout.session.completed" -> "paid".equals(object.path("payment_status").asText())
                    ? succeed(object, requestId, amountPence)
                    : "awaiting payment"; // a delayed payment method: async_payment_succeeded or _failed follows
            case "checkout.session.async_payment_succeeded" -> succeed(object, requestId, amountPence);
            case "checkout.session.async_payment_failed" -> fail(requestId, "async_payment_failed");
            case "checkout.session.expired" -> fail(requestId, "checkout_expired");
            default -> "ignored: " + type;
        };
    }

    /** Counts the gift only when Stripe took exactly the amount and currency the gift was stored with. */
    private String succeed(JsonNode object, String requestId, long amountPence) {
        JsonNode amount = object.path("amount_total");
        String currency = object.path("currency").asText();
        if (!amount.isIntegralNumber() || amount.asLong() != amountPence || !CURRENCY.equalsIgnoreCase(currency)) {
            log.error("webhook for request {} reports {} {} but the gift is {} pence {}: not counted; check the Stripe dashboard",
                    requestId, amount, currency, amountPence, CURRENCY);
            return "not counted: amount or currency differs from the gift";
        }
        cardGifts.succeeded(requestId);
        return "payment confirmed";
    }

    private String fail(String requestId, String reason) {
        cardGifts.failed(requestId, reason, true);
        return "payment failed: " + reason;
    }

    private static String requestId(JsonNode object) {
        JsonNode fromMetadata = object.path("metadata").path(REQUEST_ID_KEY);
        String candidate = fromMetadata.isTextual() ? fromMetadata.asText() : object.path("client_reference_id").asText(null);
        return candidate != null && REQUEST_ID.matcher(candidate).matches() ? candidate : null;
    }

    private Long amountOf(String requestId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select d.amount_pence from charge_part p join donation d on d.id = p.donation_id where p.request_id = ? and d.channel = ?")) {
                select.setString(1, requestId);
                select.setString(2, CardGifts.CHANNEL);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getLong(1) : null;
                }
            }
        });
    }

    private boolean seenBefore(String eventId) {
        return database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("update card_webhook_event set repeats = repeats + 1 where event_id = ?")) {
                update.setString(1, eventId);
                return update.executeUpdate() == 1;
            }
        });
    }

    private void record(String eventId, String type, String requestId, String outcome) {
        database.inTransactionVoid(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into card_webhook_event (event_id, type, request_id, outcome, received_at) values (?, ?, ?, ?, ?)"
                            + " on conflict (event_id) do update set repeats = card_webhook_event.repeats + 1")) {
                insert.setString(1, eventId);
                insert.setString(2, type.length() > 100 ? type.substring(0, 100) : type);
                insert.setString(3, requestId);
                insert.setString(4, outcome);
                insert.setTimestamp(5, Timestamp.from(clock.instant()));
                insert.executeUpdate();
            }
        });
    }
}
