package org.appealdesk.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.appealdesk.app.Core;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The totals API and its server-sent events over real HTTP on loopback. */
class TotalsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Core core;
    private WebServer web;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        core = Fixtures.core(TestDatabase.clean(), Fixtures.catalog(1_000)).totalsRefresh(Duration.ofMillis(100)).start();
        web = WebServer.start(new HttpSettings("127.0.0.1", 0), core.catalog, core.totals, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                core.settle, null, java.util.List.of());
    }

    @AfterEach
    void stop() {
        web.close();
        core.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + web.port() + path);
    }

    private void chargeFivePounds() throws Exception {
        core.texts.submit(new InboundText("smpp", "w1", PhoneNumber.parse("447700900111"), "70141", "SUN5", "o2", Instant.now())).get();
        Fixtures.awaitActed(core.texts);
        OutboundMessage charge = core.events.claim(10).stream().filter(m -> m.isBilled() && m.price().pence() == 500).findFirst().orElseThrow();
        core.events.accepted(charge.id(), "web-1").join();
        core.events.submit(new ChargeReport.Delivered("web-1", Instant.now())).get(5, TimeUnit.SECONDS);
    }

    @Test
    void totalsCountOnlyChargedMoneyAndUnknownAppealsAre404() throws Exception {
        // Proves: the JSON totals show charged pence per fund and the pending count, and an unknown appeal gets a clear 404, not a stack trace.
        core.texts.submit(new InboundText("smpp", "p1", PhoneNumber.parse("447700900222"), "70141", "SUN10", "o2", Instant.now())).get();
        Fixtures.awaitActed(core.texts);
        chargeFivePounds();
        core.totals.refreshNow();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/appeals/sun-ukraine/totals")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode totals = JSON.readTree(response.body());
        assertThat(totals.get("chargedPence").asLong()).isEqualTo(500);
        assertThat(totals.get("donationCount").asLong()).isEqualTo(1);
        assertThat(totals.get("pendingCount").asLong()).isEqualTo(1);
        assertThat(totals.get("funds").get("ukraine-crisis").asLong()).isEqualTo(500);

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(uri("/api/appeals/nope/totals")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no appeal called 'nope'").doesNotContain("Exception");
    }

    @Test
    void theStreamSendsFreshTotalsAfterACharge() throws Exception {
        // Proves: a client on the server-sent-event stream receives the current totals at once and new totals after a charge, without polling.
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri("/api/appeals/sun-ukraine/totals/stream")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(JSON.readTree(line.substring(5).strip()));
                    }
                }
            } catch (Exception e) {
                // the stream closes when the server stops
            }
        });
        JsonNode first = events.poll(5, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.get("chargedPence").asLong()).isZero();
        chargeFivePounds();
        JsonNode next = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (next == null || next.get("chargedPence").asLong() == 0)) {
            next = events.poll(1, TimeUnit.SECONDS);
        }
        assertThat(next).isNotNull();
        assertThat(next.get("chargedPence").asLong()).isEqualTo(500);
        assertThat(Map.of("count", next.get("donationCount").asLong())).containsEntry("count", 1L);
        reader.interrupt();
    }
}
