package org.appealdesk.settle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.appealdesk.app.Core;
import org.appealdesk.donation.ChargeSettings;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.MutableClock;
import org.appealdesk.support.TempDirectories;
import org.appealdesk.support.TestDatabase;

/**
 * The real core on the embedded PostgreSQL with a clock the test moves, the network's answers given
 * by hand (as in ChargingFlowTest), and settlement report files written from what was charged.
 */
final class SettleKit implements AutoCloseable {

    static final String SLUG = "sun-ukraine";
    static final String DESIGNATED = "ukraine-crisis";
    static final String OVERFLOW = "disaster-fund";
    static final String HEADER = "request_id,message_id,phone,amount_pence,charged_at,status";

    final MutableClock clock;
    final Database database;
    final Core core;
    final Settlement settle;
    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong texts = new AtomicLong();
    private final Path directory;

    SettleKit(long capPounds, Instant start) {
        this.clock = new MutableClock(start);
        this.database = TestDatabase.clean();
        ChargeSettings charging = Fixtures.chargingSplitOnThree();
        // Every step waits for its texts to be acted on: the acting stage's 50 ms linger was most of this kit's tests' time.
        this.core = Fixtures.core(database, Fixtures.catalog(capPounds)).charging(charging).batching(Core.Batching.defaults().withActingLinger(Duration.ofMillis(2))).clock(clock).start();
        this.settle = core.settle;
        try {
            this.directory = Files.createTempDirectory("appealdesk-settle-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A charge part as the database has it. */
    record Charge(long partId, long donationId, int partNo, String requestId, String messageId, long amountPence, Instant chargedAt, String network,
                  String donationState) {
    }

    static PhoneNumber phone(long n) {
        return PhoneNumber.parse("4477009" + String.format("%05d", n % 100_000));
    }

    /** Texts a gift and lets the network charge every part; returns the donation id. */
    long give(long donor, String body, String network) throws Exception {
        core.texts.submit(new InboundText("smpp", "t" + texts.incrementAndGet(), phone(donor), "70141", body, network, clock.instant())).get();
        Fixtures.awaitActed(core.texts);
        List<OutboundMessage> billed = core.events.claim(100).stream().filter(OutboundMessage::isBilled).toList();
        for (OutboundMessage message : billed) {
            String id = "m" + messageIds.incrementAndGet();
            core.events.accepted(message.id(), id).join();
            core.events.submit(new ChargeReport.Delivered(id, clock.instant())).get();
        }
        core.events.claim(100); // the thank-you texts
        return lastDonationId();
    }

    /** Texts a £20 gift on "three" (two £10 parts) where the first part is charged and the second declined. */
    long giveHalfCharged(long donor) throws Exception {
        core.texts.submit(new InboundText("smpp", "t" + texts.incrementAndGet(), phone(donor), "70141", "SUN20", "three", clock.instant())).get();
        Fixtures.awaitActed(core.texts);
        List<OutboundMessage> billed = core.events.claim(100).stream().filter(OutboundMessage::isBilled).toList();
        boolean first = true;
        for (OutboundMessage message : billed) {
            String id = "m" + messageIds.incrementAndGet();
            core.events.accepted(message.id(), id).join();
            core.events.submit(first ? new ChargeReport.Delivered(id, clock.instant())
                    : new ChargeReport.Declined(id, clock.instant(), "INSUFFICIENT_FUNDS", false)).get();
            first = false;
        }
        core.events.claim(100);
        return lastDonationId();
    }

    long lastDonationId() {
        return database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select max(id) from donation"); ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    List<Charge> charges(String where) {
        return database.inTransaction(connection -> {
            List<Charge> charges = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select p.id, p.donation_id, p.part_no, p.request_id, p.network_message_id, p.amount_pence, p.resolved_at, d.network, d.state"
                            + " from charge_part p join donation d on d.id = p.donation_id where p.state = 'CHARGED' and (" + where + ") order by p.id")) {
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        charges.add(new Charge(rows.getLong(1), rows.getLong(2), rows.getInt(3), rows.getString(4), rows.getString(5), rows.getLong(6),
                                rows.getTimestamp(7).toInstant(), rows.getString(8), rows.getString(9)));
                    }
                }
            }
            return charges;
        });
    }

    List<Charge> chargesOfDonation(long donationId) {
        return charges("d.id = " + donationId);
    }

    /** The report line the network would send for a charge. */
    static String line(Charge charge, long amountPence, String status) {
        return charge.requestId() + "," + charge.messageId() + ",44770090****," + amountPence + "," + charge.chargedAt() + "," + status;
    }

    static String line(Charge charge) {
        return line(charge, charge.amountPence(), "charged");
    }

    Path report(List<String> lines) {
        try {
            Path file = Files.createTempFile(directory, "report", ".csv");
            List<String> all = new ArrayList<>();
            all.add(HEADER);
            all.addAll(lines);
            Files.write(file, all);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ImportResult.Imported importReport(String network, Period period, List<String> lines) {
        ImportResult result = settle.importer.importFile(new ImportRequest(report(lines), network, period, "test"), ImportProgress.SILENT);
        return (ImportResult.Imported) result;
    }

    long count(String sql) {
        return TestDatabase.count(database, sql);
    }

    long totalCharged() {
        core.totals.refreshNow();
        return core.totals.totals(SLUG).orElseThrow().chargedPence();
    }

    AppealReport report() {
        return settle.reports.report(SLUG).orElseThrow();
    }

    AppealReport.FundReport fund(String fund) {
        return report().funds().stream().filter(f -> f.fund().equals(fund)).findFirst().orElseThrow();
    }

    /** Fails with every breach when the SQL verifier does not pass. */
    void assertVerified() {
        LedgerVerifier.Report report = core.verifier.verify();
        if (!report.passed()) {
            StringBuilder failures = new StringBuilder("verify failed:");
            report.checks().stream().filter(check -> !check.passed())
                    .forEach(check -> failures.append("\n  ").append(check.name()).append(" (").append(check.breaches()).append("): ").append(check.examples()));
            throw new AssertionError(failures.toString());
        }
    }

    void assertIdentity() {
        AppealReport report = report();
        for (AppealReport.FundReport fund : report.funds()) {
            if (!fund.identityHolds()) {
                throw new AssertionError("the 100% identity fails for " + fund + "\n" + report.toJson());
            }
        }
    }

    @Override
    public void close() {
        core.close();
        TempDirectories.deleteQuietly(directory);
    }
}
