package org.appealdesk.web;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.sse.SseClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
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

    public static WebServer start(HttpSettings settings, AppealCatalog catalog, TotalsService totals, PrometheusMeterRegistry metrics) {
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
        app.exception(NotFoundResponse.class, (e, ctx) -> ctx.status(404).json(Map.of("error", e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(Map.of("error", "internal error"));
        });
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
