package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.appealdesk.web.HttpSettings;
import org.appealdesk.web.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The report and the staff refund API over real HTTP on loopback. */
class SettlementApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "test-staff-token-0123456789abcdefghij";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private SettleKit kit;
    private WebServer web;

    @BeforeEach
    void start() {
        kit = new SettleKit(1_000, Instant.parse("2026-03-10T12:00:00Z"));
        web = WebServer.start(new HttpSettings("127.0.0.1", 0), kit.core.catalog, kit.core.totals, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                kit.settle, TOKEN, List.of());
    }

    @AfterEach
    void stop() {
        web.close();
        kit.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> refund(long donation, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/api/donations/" + donation + "/refund"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theReportIsServedAsJsonWithTheIdentity() throws Exception {
        // Proves: GET /api/appeals/{slug}/report gives per-fund figures and the identity, and an unknown appeal is a clear 404.
        kit.give(1, "SUN5", "ee");
        HttpResponse<String> response = get("/api/appeals/sun-ukraine/report");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(response.body());
        assertThat(report.get("identityHolds").asBoolean()).isTrue();
        assertThat(report.get("funds").get(0).get("chargedPence").asLong()).isEqualTo(500);
        assertThat(report.get("funds").get(0).get("outstandingPence").asLong()).isEqualTo(500);
        assertThat(report.get("outstandingByNetwork").get(0).get("network").asText()).isEqualTo("ee");
        HttpResponse<String> missing = get("/api/appeals/nope/report");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no appeal called 'nope'");
    }

    @Test
    void staffRefundsNeedTheTokenLowerTheTotalsAndShowInTheHistory() throws Exception {
        // Proves: the refund API refuses requests without the staff token, refunds once (201, then 409), lowers the live totals at once,
        // and the donation's history shows the refund; bad input is a 400, not a stack trace.
        long donation = kit.give(1, "SUN10", "ee");
        assertThat(refund(donation, null, "{\"reason\":\"x\",\"by\":\"y\"}").statusCode()).isEqualTo(401);
        assertThat(refund(donation, "wrong-token-wrong-token-wrong-token", "{\"reason\":\"x\",\"by\":\"y\"}").statusCode()).isEqualTo(401);
        assertThat(refund(donation, TOKEN, "{\"reason\":\"\",\"by\":\"y\"}").statusCode()).isEqualTo(400);
        assertThat(refund(donation, TOKEN, "not json").statusCode()).isEqualTo(400);

        HttpResponse<String> refunded = refund(donation, TOKEN, "{\"reason\":\"donor asked by phone\",\"by\":\"gina\"}");
        assertThat(refunded.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(refunded.body()).get("refundedPence").asLong()).isEqualTo(1_000);
        assertThat(kit.totalCharged()).isZero();
        assertThat(refund(donation, TOKEN, "{\"reason\":\"again\",\"by\":\"gina\"}").statusCode()).isEqualTo(409);
        assertThat(refund(9_999_999, TOKEN, "{\"reason\":\"who\",\"by\":\"gina\"}").statusCode()).isEqualTo(404);

        HttpResponse<String> history = get("/api/donations/" + donation);
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.body()).contains("REFUNDED").contains("donor asked by phone").doesNotContain("447700");
        kit.assertVerified();
    }

    @Test
    void withoutATokenTheStaffApiIsOffAndAShortTokenIsRefused() throws Exception {
        // Proves: a server started without a staff token answers staff routes with 403, and a token too short to be safe stops start-up.
        web.close();
        web = WebServer.start(new HttpSettings("127.0.0.1", 0), kit.core.catalog, kit.core.totals, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                kit.settle, null, List.of());
        assertThat(refund(1, TOKEN, "{\"reason\":\"x\",\"by\":\"y\"}").statusCode()).isEqualTo(403);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebServer.start(new HttpSettings("127.0.0.1", 0), kit.core.catalog, kit.core.totals,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), kit.settle, "short", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(WebServer.STAFF_TOKEN_ENVIRONMENT_VARIABLE);
    }
}
