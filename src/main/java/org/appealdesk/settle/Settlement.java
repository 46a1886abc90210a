package org.appealdesk.settle;

import java.time.InstantSource;
import java.util.Optional;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.platform.Database;

/**
 * The settle capability in one place: settlement import and reconciliation, staff decisions,
 * refunds, payouts to the charity, the remittance advice and the 100% report.
 */
public final class Settlement {

    public final SettlementImporter importer;
    public final Reconciliation reconciliation;
    public final Resolutions resolutions;
    public final Refunds refunds;
    public final Payouts payouts;
    public final Remittance remittance;
    public final Reports reports;
    private final Database database;

    public Settlement(Database database, Ledger ledger, InstantSource clock) {
        this.database = database;
        this.importer = new SettlementImporter(database, ledger, clock);
        this.reconciliation = new Reconciliation(database, clock);
        this.resolutions = new Resolutions(database, ledger, clock);
        this.refunds = new Refunds(database, ledger, clock);
        this.payouts = new Payouts(database, ledger, clock);
        this.remittance = new Remittance(database);
        this.reports = new Reports(database, clock);
    }

    public Optional<DonationHistory> history(long donationId) {
        return DonationHistory.read(database, donationId);
    }
}
