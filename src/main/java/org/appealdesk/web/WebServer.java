package org.appealdesk.web;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.sse.SseClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.settle.Refunds;
import org.appealdesk.settle.Settlement;
import org.appealdesk.totals.AppealTotals;
import org.appealdesk.totals.TotalsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP door: parse, validate, call a capability, render. Routes are wired here and nowhere
 * else; one exception mapping turns failures into plain responses without stack traces.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    /** Live-totals streams open at once; more are refused with 503 rather than exhausting threads. */
    public static final int SSE_CLIENTS_MAX = 2_000;

    private final Javalin app;
    private final Set<StreamClient> streams = ConcurrentHashMap.newKeySet();
    private final Runnable unsubscribe;

    private record StreamClient(String appealSlug, SseClient client) {
    }

    private WebServer(Javalin app, Runnable unsubscribe) {
        this.app = app;
        this.unsubscribe = unsubscribe;
    }

    /** More routes, wired from outside this class (web giving's pages), registered before the server starts. */
    public interface Routes {
        void register(Javalin app);
    }

    public static WebServer start(HttpSettings settings, AppealCatalog catalog, TotalsService totals, PrometheusMeterRegistry metrics) {
        return start(settings, catalog, totals, metrics, List.of());
    }

    public static WebServer start(HttpSettings settings, AppealCatalog catalog, TotalsService totals, PrometheusMeterRegistry metrics,
                                  List<Routes> more) {
        return start(settings, catalog, totals, metrics, null, null, more);
    }

    /**
     * With the settle service: the public 100% report, and (when {@code staffToken} is given) the
     * staff API for refunds and donation histories, which needs {@code Authorization: Bearer TOKEN}.
     *
     * @param staffToken from {@link #STAFF_TOKEN_ENVIRONMENT_VARIABLE}; null turns the staff API off
     */
    public static WebServer start(HttpSettings settings, AppealCatalog catalog, TotalsService totals, PrometheusMeterRegistry metrics,
                                  Settlement settle, String staffToken, List<Routes> more) {
        if (staffToken != null && staffToken.strip().length() < STAFF_TOKEN_CHARS_MIN) {
            throw new IllegalArgumentException(STAFF_TOKEN_ENVIRONMENT_VARIABLE + " must be at least " + STAFF_TOKEN_CHARS_MIN
                    + " characters (make one with: head -c 32 /dev/urandom | base64)");
        }
        String page = resource("web/totals.html");
        WebServer[] self = new WebServer[1];
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = 64 * 1024L;
            config.jetty.defaultHost = settings.host();
            config.useVirtualThreads = true;
        });
        app.get("/health", ctx -> ctx.result("ok"));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
        app.get("/api/appeals/{slug}/totals", ctx -> ctx.json(totalsJson(requireTotals(catalog, totals, ctx.pathParam("slug")))));
        app.get("/appeals/{slug}", ctx -> {
            Appeal appeal = requireAppeal(catalog, ctx.pathParam("slug"));
            ctx.html(page.replace("{{slug}}", appeal.slug()).replace("{{title}}", escapeHtml(appeal.title()))
                    .replace("{{charity}}", escapeHtml(appeal.charity().name())));
        });
        app.get("/", ctx -> ctx.redirect("/appeals/" + catalog.all().getFirst().slug()));
        app.sse("/api/appeals/{slug}/totals/stream", client -> {
            String slug = client.ctx().pathParam("slug");
            AppealTotals current = totals.totals(slug).orElse(null);
            if (current == null || self[0].streams.size() >= SSE_CLIENTS_MAX) {
                client.ctx().status(current == null ? HttpStatus.NOT_FOUND : HttpStatus.SERVICE_UNAVAILABLE);
                client.close();
                return;
            }
            StreamClient stream = new StreamClient(slug, client);
            self[0].streams.add(stream);
            client.onClose(() -> self[0].streams.remove(stream));
            client.keepAlive();
            client.sendEvent("totals", totalsJson(current));
        });
        if (settle != null) {
            app.get("/api/appeals/{slug}/report", ctx -> {
                requireAppeal(catalog, ctx.pathParam("slug"));
                ctx.json(settle.reports.report(ctx.pathParam("slug")).orElseThrow(() -> new NotFoundResponse("no appeal called '" + ctx.pathParam("slug") + "'"))
                        .toJson());
            });
            app.post("/api/donations/{id}/refund", ctx -> refund(ctx, settle, staffToken));
            app.get("/api/donations/{id}", ctx -> {
                requireStaff(ctx, staffToken);
                long id = donationId(ctx);
                ctx.json(settle.history(id).orElseThrow(() -> new NotFoundResponse("no donation " + id)).toJson());
            });
        }
        app.exception(NotFoundResponse.class, (e, ctx) -> ctx.status(404).json(Map.of("error", e.getMessage())));
        app.exception(BadRequestResponse.class, (e, ctx) -> ctx.status(400).json(Map.of("error", e.getMessage())));
        app.exception(StaffOnly.class, (e, ctx) -> ctx.status(e.status).json(Map.of("error", e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(Map.of("error", "internal error"));
        });
        more.forEach(routes -> routes.register(app));
        Runnable unsubscribe = totals.subscribe(next -> self[0].push(next));
        self[0] = new WebServer(app, unsubscribe);
        app.start(settings.host(), settings.port());
        return self[0];
    }

    public int port() {
        return app.port();
    }

    /** Sends fresh totals to every stream watching that appeal; a broken stream is dropped. */
    private void push(AppealTotals next) {
        Map<String, Object> json = totalsJson(next);
        for (StreamClient stream : streams) {
            if (stream.appealSlug().equals(next.appealSlug())) {
                if (stream.client().terminated()) {
                    streams.remove(stream);
                } else {
                    stream.client().sendEvent("totals", json);
                }
            }
        }
    }

    /** The environment variable holding the staff API's bearer token; unset turns the staff API off. */
    public static final String STAFF_TOKEN_ENVIRONMENT_VARIABLE = "APPEALDESK_STAFF_TOKEN";
    public static final int STAFF_TOKEN_CHARS_MIN = 32;

    /** A staff request without the right token: 401 (wrong or missing) or 403 (the staff API is off). */
    private static final class StaffOnly extends RuntimeException {
        final int status;

        StaffOnly(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static void requireStaff(Context ctx, String staffToken) {
        if (staffToken == null) {
            throw new StaffOnly(403, "the staff API is off: set " + STAFF_TOKEN_ENVIRONMENT_VARIABLE);
        }
        String header = ctx.header("Authorization");
        byte[] given = (header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : "").getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: the time taken says nothing about how much of a guess was right.
        if (!java.security.MessageDigest.isEqual(given, staffToken.strip().getBytes(StandardCharsets.UTF_8))) {
            throw new StaffOnly(401, "staff API: send Authorization: Bearer <" + STAFF_TOKEN_ENVIRONMENT_VARIABLE + ">");
        }
    }

    private static long donationId(Context ctx) {
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new BadRequestResponse("a donation id is a positive whole number");
    }

    /** The staff refund request's body. */
    record RefundRequest(String reason, String by) {
    }

    /** POST /api/donations/{id}/refund {"reason": "...", "by": "..."}: 201 with the refunds and the history, 409 when nothing is left to refund. */
    private static void refund(Context ctx, Settlement settle, String staffToken) {
        requireStaff(ctx, staffToken);
        long id = donationId(ctx);
        RefundRequest request;
        try {
            request = ctx.bodyAsClass(RefundRequest.class);
        } catch (Exception e) { // Jackson's parse errors arrive undeclared (Javalin is Kotlin)
            throw new BadRequestResponse("the body must be JSON: {\"reason\": \"...\", \"by\": \"...\"}");
        }
        if (request == null || request.reason() == null || request.reason().isBlank() || request.by() == null || request.by().isBlank()
                || request.reason().length() > Refunds.TEXT_CHARS_MAX || request.by().length() > Refunds.TEXT_CHARS_MAX) {
            throw new BadRequestResponse("reason and by are required, each at most " + Refunds.TEXT_CHARS_MAX + " characters");
        }
        switch (settle.refunds.refundDonation(id, request.by(), request.reason())) {
            case Refunds.Outcome.Refunded refunded -> ctx.status(201).json(Map.of(
                    "donation", id,
                    "refundedPence", refunded.amountPence(),
                    "refunds", refunded.refunds().stream().map(r -> Map.of("refund", r.refundId(), "part", r.partId(), "amountPence", r.amountPence(),
                            "fromSettledPence", r.fromSettledPence())).toList(),
                    "history", settle.history(id).orElseThrow().toJson()));
            case Refunds.Outcome.NothingToRefund nothing -> ctx.status(409).json(Map.of("error", "nothing to refund: " + nothing.why()));
            case Refunds.Outcome.NoSuchDonation none -> throw new NotFoundResponse("no donation " + id);
        }
    }

    private static Appeal requireAppeal(AppealCatalog catalog, String slug) {
        return catalog.bySlug(slug).orElseThrow(() -> new NotFoundResponse("no appeal called '" + slug + "'"));
    }

    private static AppealTotals requireTotals(AppealCatalog catalog, TotalsService totals, String slug) {
        requireAppeal(catalog, slug);
        return totals.totals(slug).orElseThrow(() -> new NotFoundResponse("no totals yet for '" + slug + "'"));
    }

    /** The JSON shape of totals, shared by the API and the stream. */
    static Map<String, Object> totalsJson(AppealTotals totals) {
        return Map.of(
                "appeal", totals.appealSlug(),
                "chargedPence", totals.chargedPence(),
                "donationCount", totals.donationCount(),
                "funds", totals.fundPence(),
                "pendingCount", totals.pendingCount(),
                "unknownCount", totals.unknownCount(),
                "failedCount", totals.failedCount(),
                "rejectedCount", totals.rejectedCount(),
                "asOf", totals.asOf().toString());
    }

    private static String resource(String path) {
        try (InputStream in = WebServer.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    @Override
    public void close() {
        unsubscribe.run();
        streams.forEach(stream -> stream.client().close());
        app.stop();
    }
}
