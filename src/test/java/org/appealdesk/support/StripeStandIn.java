package org.appealdesk.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.Stripe;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for the parts of Stripe that Appealdesk uses, on 127.0.0.1 and a free port:
 * {@code POST /v1/checkout/sessions} (with Stripe's idempotency-key semantics), a checkout page
 * where a browser "pays" ({@code /pay/ID}), and webhooks signed exactly as Stripe signs them
 * ({@code Stripe-Signature: t=UNIX,v1=HEX(HMAC-SHA256(secret, "t.payload"))}).
 *
 * <p>It can be told to fail the next create calls (a 500, or a pause longer than the client's
 * timeout), to deliver every webhook twice, and tests can send any event, in any order, with any
 * signature, through {@link #deliver}.
 */
public final class StripeStandIn implements AutoCloseable {

    public static final String SECRET_KEY = "sk_test_standin_0123456789";
    public static final String WEBHOOK_SECRET = "whsec_standin_0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the next create calls fail. */
    public enum Failure { SERVER_ERROR, TIMEOUT, CARD_DECLINED_400 }

    /** A checkout session as the stand-in keeps it. */
    public record Session(String id, String requestId, long amountPence, String currency, String clientReferenceId, Map<String, String> metadata,
                          String successUrl, String cancelUrl, long expiresAt) {
    }

    /** One create call as it arrived: its idempotency key and form parameters. */
    public record CreateCall(String idempotencyKey, String authorization, Map<String, String> params) {
    }

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> responsesByIdempotencyKey = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> paramsByIdempotencyKey = new ConcurrentHashMap<>();
    private final List<CreateCall> createCalls = Collections.synchronizedList(new ArrayList<>());
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String webhookUrl;
    private volatile boolean deliverTwice;
    private volatile long timeoutPauseMs = 2_000;

    public StripeStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/checkout/sessions", this::createSession);
        server.createContext("/pay/", this::payPage);
        server.start();
    }

    public String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void webhookTo(String url) {
        this.webhookUrl = url;
    }

    /** The next {@code count} create calls fail this way (the Stripe client's own retries use them up too). */
    public void failNextCreates(Failure failure, int count) {
        for (int i = 0; i < count; i++) {
            failures.add(failure);
        }
    }

    /** Forgets failures not yet used up. */
    public void clearFailures() {
        failures.clear();
    }

    /** How long a TIMEOUT failure keeps the caller waiting before answering. */
    public void timeoutPause(Duration pause) {
        this.timeoutPauseMs = pause.toMillis();
    }

    /** Every webhook from the pay page is delivered twice, as Stripe may. */
    public void deliverTwice(boolean twice) {
        this.deliverTwice = twice;
    }

    public List<CreateCall> createCalls() {
        synchronized (createCalls) {
            return List.copyOf(createCalls);
        }
    }

    public List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    public Session onlySession() {
        if (sessions.size() != 1) {
            throw new IllegalStateException("expected exactly one checkout session, found " + sessions.size());
        }
        return sessions.values().iterator().next();
    }

    // ---- the API ---------------------------------------------------------------------------------

    private void createSession(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> params = form(body);
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            createCalls.add(new CreateCall(key, exchange.getRequestHeaders().getFirst("Authorization"), params));
            if (!("Bearer " + SECRET_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key provided\"}}");
                return;
            }
            Failure failure = failures.isEmpty() ? null : failures.removeFirst();
            if (failure == Failure.TIMEOUT) {
                sleep(timeoutPauseMs);
                send(exchange, 500, "{\"error\":{\"type\":\"api_error\",\"message\":\"late\"}}");
                return;
            }
            if (failure == Failure.SERVER_ERROR) {
                send(exchange, 500, "{\"error\":{\"type\":\"api_error\",\"message\":\"Something went wrong on Stripe's end.\"}}");
                return;
            }
            if (failure == Failure.CARD_DECLINED_400) {
                send(exchange, 400, "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"parameter_invalid\",\"message\":\"Invalid request.\"}}");
                return;
            }
            if (key != null && responsesByIdempotencyKey.containsKey(key)) {
                Map<String, String> first = new HashMap<>(paramsByIdempotencyKey.get(key));
                if (!first.equals(params)) {
                    send(exchange, 400, "{\"error\":{\"type\":\"idempotency_error\",\"message\":\"Keys for idempotent requests can only be used with the same parameters they were first used with.\"}}");
                    return;
                }
                exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
                send(exchange, 200, responsesByIdempotencyKey.get(key));
                return;
            }
            Session session = new Session("cs_test_" + ids.incrementAndGet() + "x" + Long.toHexString(System.nanoTime()),
                    params.get("metadata[request_id]"), Long.parseLong(params.get("line_items[0][price_data][unit_amount]")),
                    params.get("line_items[0][price_data][currency]"), params.get("client_reference_id"), metadata(params),
                    params.get("success_url"), params.get("cancel_url"), Long.parseLong(params.getOrDefault("expires_at", "0")));
            sessions.put(session.id(), session);
            String response = JSON.writeValueAsString(sessionJson(session, "unpaid", "open"));
            if (key != null) {
                responsesByIdempotencyKey.put(key, response);
                paramsByIdempotencyKey.put(key, params);
            }
            send(exchange, 200, response);
        }
    }

    private Map<String, Object> sessionJson(Session session, String paymentStatus, String status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", session.id());
        json.put("object", "checkout.session");
        json.put("amount_total", session.amountPence());
        json.put("currency", session.currency());
        json.put("client_reference_id", session.clientReferenceId());
        json.put("metadata", session.metadata());
        json.put("mode", "payment");
        json.put("payment_status", paymentStatus);
        json.put("status", status);
        json.put("success_url", session.successUrl());
        json.put("cancel_url", session.cancelUrl());
        json.put("expires_at", session.expiresAt());
        json.put("livemode", false);
        json.put("url", apiBase() + "/pay/" + session.id());
        return json;
    }

    // ---- the checkout page a browser pays on ------------------------------------------------------

    private void payPage(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean pay = path.endsWith("/pay") && "POST".equals(exchange.getRequestMethod());
            String id = path.substring("/pay/".length()).replace("/pay", "");
            Session session = sessions.get(id);
            if (session == null) {
                send(exchange, 404, "no such session");
                return;
            }
            if (pay) {
                exchange.getRequestBody().readAllBytes();
                deliver("checkout.session.completed", session, "paid");
                exchange.getResponseHeaders().add("Location", session.successUrl());
                exchange.sendResponseHeaders(303, -1);
                return;
            }
            String amount = String.format("£%d.%02d", session.amountPence() / 100, session.amountPence() % 100);
            String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    + "<title>Stand-in checkout</title></head><body><main><h1>Stand-in Stripe Checkout</h1><p id=\"amount\">Pay " + amount + "</p>"
                    + "<form method=\"post\" action=\"/pay/" + id + "/pay\"><button id=\"pay\" type=\"submit\">Pay " + amount + "</button></form>"
                    + "<p><a id=\"cancel\" href=\"" + session.cancelUrl() + "\">Back</a></p></main></body></html>";
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            send(exchange, 200, html);
        }
    }

    // ---- webhooks ---------------------------------------------------------------------------------

    /** Builds an event about {@code session}, signs it now with the real secret and delivers it (twice when so told). */
    public HttpResponse<String> deliver(String type, Session session, String paymentStatus) {
        String payload = eventJson("evt_" + ids.incrementAndGet() + "x" + Long.toHexString(System.nanoTime()), type, session, paymentStatus);
        HttpResponse<String> response = post(payload, signatureHeader(payload, Instant.now().getEpochSecond(), WEBHOOK_SECRET));
        if (deliverTwice) {
            response = post(payload, signatureHeader(payload, Instant.now().getEpochSecond(), WEBHOOK_SECRET));
        }
        return response;
    }

    /** The JSON of a Stripe event whose object is the session with the given payment status. */
    public String eventJson(String eventId, String type, Session session, String paymentStatus) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("api_version", Stripe.API_VERSION);
        event.put("created", Instant.now().getEpochSecond());
        event.put("type", type);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        String status = switch (type) {
            case "checkout.session.expired" -> "expired";
            case "checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed" -> "complete";
            default -> "open";
        };
        event.put("data", Map.of("object", sessionJson(session, paymentStatus, status)));
        try {
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stripe's scheme: t=UNIX,v1=hex HMAC-SHA256 of "t.payload" keyed with the whole whsec_ secret. */
    public static String signatureHeader(String payload, long unixSeconds, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = HexFormat.of().formatHex(mac.doFinal((unixSeconds + "." + payload).getBytes(StandardCharsets.UTF_8)));
            return "t=" + unixSeconds + ",v1=" + signature;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Posts a payload with any signature header (null for none) to the webhook, as Stripe would. */
    public HttpResponse<String> post(String payload, String signatureHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhookUrl)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8").header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> metadata(Map<String, String> params) {
        Map<String, String> metadata = new LinkedHashMap<>();
        params.forEach((key, value) -> {
            if (key.startsWith("metadata[") && key.endsWith("]")) {
                metadata.put(key.substring("metadata[".length(), key.length() - 1), value);
            }
        });
        return metadata;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new HashMap<>();
        if (body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        exchange.getResponseHeaders().add("Request-Id", "req_standin");
        try (OutputStream out = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        } catch (IOException e) {
            // the client gave up waiting (a timeout test): nothing to tell it
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
