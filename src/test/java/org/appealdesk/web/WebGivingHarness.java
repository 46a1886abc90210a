package org.appealdesk.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.appealdesk.app.Core;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealWebSettings;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.StripeStandIn;
import org.appealdesk.support.TestDatabase;

/**
 * The platform's web door with web giving wired in, on 127.0.0.1, talking to a local Stripe
 * stand-in: a fresh database, the reference appeal with its public links pointing at this server,
 * and small HTTP helpers. One per test; close it after.
 */
final class WebGivingHarness implements AutoCloseable {

    static final String SLUG = "sun-ukraine";
    /** Short, so a stand-in that pauses longer makes the Stripe client give up quickly in tests. */
    static final int STRIPE_TIMEOUT_MS = 400;

    final Database database;
    final Core core;
    final StripeStandIn stripe;
    final WebServer web;
    final Appeal appeal;
    final AppealWebSettings webSettings;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    WebGivingHarness() {
        this(false, Duration.ofMillis(100));
    }

    WebGivingHarness(boolean cardFullAmountToCharity, Duration totalsRefresh) {
        port = freePort();
        Appeal reference = Fixtures.referenceAppeal(250_000);
        appeal = new Appeal(reference.slug(), reference.title(), reference.charity(), reference.routes(), reference.prices(), reference.defaultPrice(),
                reference.noContactSuffix(), reference.designated(), reference.overflow(), reference.maxPerText(), reference.dailyCapPerNumber(),
                reference.fullAmountToCharity(), "http://127.0.0.1:" + port);
        webSettings = new AppealWebSettings(List.of(Money.ofPounds(3), Money.ofPounds(5), Money.ofPounds(10)), Money.ofPounds(1), Money.ofPounds(1_000),
                cardFullAmountToCharity, java.time.LocalDateTime.of(2027, 3, 31, 23, 59), "The Sun", "the supporter team on 0344 871 11 11");
        database = TestDatabase.clean();
        core = Fixtures.core(database, new AppealCatalog(List.of(appeal))).totalsRefresh(totalsRefresh).start();
        stripe = new StripeStandIn();
        StripeSettings stripeSettings = new StripeSettings(stripe.apiBase(), StripeStandIn.SECRET_KEY, StripeStandIn.WEBHOOK_SECRET, 300,
                STRIPE_TIMEOUT_MS, 2, 30);
        Function<String, AppealWebSettings> settings = slug -> webSettings;
        WebGivingRoutes routes = new WebGivingRoutes(core.catalog, settings, core.cardGifts, core.giftAid, core.totals, database, stripeSettings, true,
                InstantSource.system());
        web = WebServer.start(new HttpSettings("127.0.0.1", port), core.catalog, core.totals, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(routes));
        stripe.webhookTo(url("/stripe/webhook"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + web.port() + path;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    HttpResponse<String> postForm(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One value from SQL, for assertions. */
    Object sql(String query, Object... parameters) {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(query)) {
                for (int i = 0; i < parameters.length; i++) {
                    select.setObject(i + 1, parameters[i]);
                }
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getObject(1) : null;
                }
            }
        });
    }

    long count(String table) {
        return ((Number) sql("select count(*) from " + table)).longValue();
    }

    long chargedPence() {
        core.totals.refreshNow();
        return core.totals.totals(SLUG).orElseThrow().chargedPence();
    }

    /** Starts a £{@code pounds} card gift through the donate form; returns the checkout URL it redirected to. */
    String giveByCard(String amountField) {
        HttpResponse<String> response = postForm("/donate/" + SLUG, amountField);
        if (response.statusCode() != 303) {
            throw new IllegalStateException("donate form answered " + response.statusCode() + ": " + response.body());
        }
        return response.headers().firstValue("Location").orElseThrow();
    }

    Map<String, String> headers(HttpResponse<?> response) {
        return Map.of("csp", response.headers().firstValue("Content-Security-Policy").orElse(""),
                "referrer", response.headers().firstValue("Referrer-Policy").orElse(""));
    }

    @Override
    public void close() {
        web.close();
        stripe.close();
        core.close();
    }
}
