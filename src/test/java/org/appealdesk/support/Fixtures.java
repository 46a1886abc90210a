package org.appealdesk.support;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.appealdesk.app.Core;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.Charity;
import org.appealdesk.appeal.Fund;
import org.appealdesk.appeal.TextRoute;
import org.appealdesk.donation.ChargeSettings;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneVault;

/** The reference appeal and friends, built with the real constructors. */
public final class Fixtures {

    /** A fixed test key: tests never see a real number, and a fixed key keeps hashes stable. */
    public static final String PHONE_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private Fixtures() {
    }

    /** The charging the tests use: 30 s for a report, 5 minutes to live unknown, and Three's charges split into £10 parts. */
    public static ChargeSettings chargingSplitOnThree() {
        return new ChargeSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(30), java.util.Map.of("three", Money.ofPounds(10)));
    }

    public static PhoneVault vault() {
        return PhoneVault.fromBase64Key(PHONE_KEY);
    }

    /** "Text SUN3, SUN5 or SUN10 to 70141", 100% to the British Red Cross, designated fund capped at {@code capPounds}. */
    public static Appeal referenceAppeal(long capPounds) {
        return new Appeal("sun-ukraine", "The Sun Ukraine Appeal",
                new Charity("British Red Cross", "220949", "0344 871 11 11"),
                List.of(new TextRoute("70141", "SUN", null)),
                List.of(Money.ofPounds(3), Money.ofPounds(5), Money.ofPounds(10), Money.ofPounds(20)),
                Money.ofPounds(5), "NOINFO",
                new Fund("ukraine-crisis", "Ukraine Crisis Appeal", Money.ofPounds(capPounds)),
                new Fund("disaster-fund", "Disaster Fund", null),
                Money.ofPounds(20), Money.ofPounds(30), true, "http://127.0.0.1:8080");
    }

    /**
     * Waits until every text the intake has acknowledged has been acted on (donation, parts,
     * replies written): acknowledgement means recorded, and what a text caused follows behind it.
     */
    public static void awaitActed(org.appealdesk.donation.TextIntakeService texts) {
        if (!texts.awaitActed(Duration.ofSeconds(20))) {
            throw new AssertionError("texts were still waiting to be acted on after 20 s");
        }
    }

    public static AppealCatalog catalog(long capPounds) {
        return new AppealCatalog(List.of(referenceAppeal(capPounds)));
    }

    /**
     * A {@link Core} on {@code database} for {@code catalog}, with the test key and the platform's
     * defaults; a test names only what it changes ({@code .charging(...)}, {@code .clock(...)}),
     * then {@link CoreBuilder#start}. The totals refresh every 50 ms, so a test sees them soon.
     */
    public static CoreBuilder core(Database database, AppealCatalog catalog) {
        return new CoreBuilder(database, catalog);
    }

    /** See {@link #core}. */
    public static final class CoreBuilder {
        private final Database database;
        private final AppealCatalog catalog;
        private ChargeSettings charging = ChargeSettings.defaults();
        private Core.Batching batching = Core.Batching.defaults();
        private InstantSource clock = InstantSource.system();
        private Duration totalsRefresh = Duration.ofMillis(50);

        private CoreBuilder(Database database, AppealCatalog catalog) {
            this.database = database;
            this.catalog = catalog;
        }

        public CoreBuilder charging(ChargeSettings value) {
            charging = value;
            return this;
        }

        public CoreBuilder batching(Core.Batching value) {
            batching = value;
            return this;
        }

        public CoreBuilder clock(InstantSource value) {
            clock = value;
            return this;
        }

        public CoreBuilder totalsRefresh(Duration value) {
            totalsRefresh = value;
            return this;
        }

        /** Builds the core, which starts its writers and background work at once; the caller closes it. */
        public Core start() {
            return new Core(database, catalog, vault(), charging, batching, clock, totalsRefresh);
        }
    }
}
