package org.appealdesk.support;

import java.util.List;
import org.appealdesk.appeal.Appeal;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.Charity;
import org.appealdesk.appeal.Fund;
import org.appealdesk.appeal.TextRoute;
import org.appealdesk.platform.Money;
import org.appealdesk.platform.PhoneVault;

/** The reference appeal and friends, built with the real constructors. */
public final class Fixtures {

    /** A fixed test key: tests never see a real number, and a fixed key keeps hashes stable. */
    public static final String PHONE_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private Fixtures() {
    }

    /** The charging the tests use: 30 s for a report, 5 minutes to live unknown, and Three's charges split into £10 parts. */
    public static org.appealdesk.donation.ChargeSettings chargingSplitOnThree() {
        return new org.appealdesk.donation.ChargeSettings(java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(5),
                java.time.Duration.ofSeconds(30), java.util.Map.of("three", Money.ofPounds(10)));
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
        if (!texts.awaitActed(java.time.Duration.ofSeconds(20))) {
            throw new AssertionError("texts were still waiting to be acted on after 20 s");
        }
    }

    public static AppealCatalog catalog(long capPounds) {
        return new AppealCatalog(List.of(referenceAppeal(capPounds)));
    }
}
