package org.appealdesk.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.appealdesk.donation.TextIntakeService;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.DatabaseSettings;
import org.appealdesk.platform.EmbeddedPostgresServer;
import org.appealdesk.platform.PhoneVault;
import org.appealdesk.sms.smpp.SmppGateway;
import org.appealdesk.sms.smpp.SmppSettings;
import org.appealdesk.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform in one process, wired by hand: database, core, SMPP binds, HTTP, janitor.
 * Closing it stops the doors first (no new texts), then the core, then the database.
 */
public final class Application implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Application.class);
    /** How often the janitor looks for silence: a few indexed rows, and the parts accepted one report wait ago (Janitor). */
    public static final Duration JANITOR_INTERVAL = Duration.ofSeconds(1);
    public static final Duration TOTALS_REFRESH = Duration.ofMillis(250);
    /** How often Gift Aid reminders are looked for: they are due once, after an appeal closes, so a minute is plenty. */
    public static final Duration REMINDER_INTERVAL = Duration.ofMinutes(1);

    public final Database database;
    public final Core core;
    public final WebServer web;
    public final PrometheusMeterRegistry metrics;
    private final EmbeddedPostgresServer embedded;
    private final List<SmppGateway> gateways;
    private final ScheduledExecutorService scheduler;

    private Application(EmbeddedPostgresServer embedded, Database database, Core core, List<SmppGateway> gateways, WebServer web,
                        PrometheusMeterRegistry metrics, ScheduledExecutorService scheduler) {
        this.embedded = embedded;
        this.database = database;
        this.core = core;
        this.gateways = gateways;
        this.web = web;
        this.metrics = metrics;
        this.scheduler = scheduler;
    }

    /**
     * Starts everything the configuration describes, its group commit ({@link AppConfig#batching()})
     * included. {@code dataDirectory} holds the embedded PostgreSQL when the configuration asks for it.
     */
    public static Application start(AppConfig config, PhoneVault vault, Path dataDirectory) {
        Core.Batching batching = config.batching();
        EmbeddedPostgresServer embedded = null;
        DatabaseSettings databaseSettings;
        if (config.embeddedDatabase()) {
            embedded = EmbeddedPostgresServer.start(dataDirectory.resolve("postgres"));
            databaseSettings = embedded.settings(config.databasePoolSize());
        } else {
            databaseSettings = new DatabaseSettings(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                    config.databasePoolSize(), 10_000);
        }
        Database database = Database.open(databaseSettings);
        Core core = new Core(database, config.catalog(), vault, config.charging(), batching, InstantSource.system(), TOTALS_REFRESH);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("appealdesk.texts.waiting", core.texts, TextIntakeService::waitingToAct)
                .description("texts acknowledged and not yet acted on, in memory or waiting in the database (new texts are refused past both limits)").register(metrics);
        // The share of those that wait in the database only: above 0, a burst is past what the acting stage keeps up with.
        Gauge.builder("appealdesk.texts.waiting.database", core.texts, TextIntakeService::waitingInDatabaseOnly)
                .description("of the texts waiting, those in the database only, past the 20,000 held in memory (acted on in turn)")
                .register(metrics);
        Gauge.builder("appealdesk.texts.failing", core.texts, TextIntakeService::failingToAct)
                .description("texts whose acting failed and has not succeeded since (tried again by the sweep, waits doubling to a minute)")
                .register(metrics);
        List<SmppGateway> gateways = new ArrayList<>();
        for (SmppSettings smsc : config.smsc()) {
            SmppGateway gateway = new SmppGateway(smsc, core.texts, core.events, core.events, metrics);
            gateway.start();
            gateways.add(gateway);
        }
        WebGiving giving = new WebGiving(core, config.web(), InstantSource.system());
        WebServer web = WebServer.start(config.http(), config.catalog(), core.totals, metrics, core.settle,
                System.getenv(WebServer.STAFF_TOKEN_ENVIRONMENT_VARIABLE), List.of(giving.routes));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("janitor").daemon().factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                core.janitor.runOnce();
            } catch (RuntimeException e) {
                log.warn("janitor pass failed; next pass in {} ms: {}", JANITOR_INTERVAL.toMillis(), e.toString());
            }
        }, JANITOR_INTERVAL.toMillis(), JANITOR_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(giving::remindOnce, REMINDER_INTERVAL.toMillis(), REMINDER_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        log.info("appealdesk started: {} SMSC connection(s), HTTP on {}:{}", gateways.size(), config.http().host(), web.port());
        return new Application(embedded, database, core, gateways, web, metrics, scheduler);
    }

    public int boundSessions() {
        return gateways.stream().mapToInt(SmppGateway::boundSessions).sum();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        gateways.forEach(SmppGateway::close);
        web.close();
        core.close();
        database.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
