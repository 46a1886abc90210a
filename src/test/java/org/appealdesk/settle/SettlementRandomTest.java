package org.appealdesk.settle;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mixed operations through the real services on the embedded PostgreSQL, from one
 * seed: donations with the network's answers given by hand (splits, declines, duplicate and late
 * receipts, silence), settlement reports with missing, extra, mismatched, refunded, duplicated and
 * malformed lines (and the same file twice), staff refunds, staff decisions, and payouts prepared
 * and confirmed from several threads at once. After every step the money must hold.
 */
class SettlementRandomTest {

    /** Steps per run; with the checks after each, about 20-30 s on a 2-core machine (more: -Dsettle.random.steps=N). */
    static final int STEPS = Integer.getInteger("settle.random.steps", 600);
    /** Full SQL verification every this many steps (and at the end); cheaper checks run after every step. */
    static final int VERIFY_EVERY_STEPS = 100;
    private static final String[] NETWORKS = {"ee", "o2", "three", "vodafone"};
    private static final String[] BODIES = {"SUN3", "SUN5", "SUN10", "SUN20", "sun 5", "SUN£10"};
    private static final int THREADS = 4;

    private SettleKit kit;
    private ExecutorService pool;
    private RandomGenerator random;
    private long donors;
    private long messageIds;
    private long texts;
    private long journalWatermark;
    private final List<String> pendingReports = new ArrayList<>();
    private final List<java.nio.file.Path> imported = new ArrayList<>();
    private final Map<String, Integer> done = new java.util.TreeMap<>();

    @BeforeEach
    void start() {
        kit = new SettleKit(200, Instant.parse("2026-01-05T09:00:00Z")); // a £200 designated cap: overflow comes early
        pool = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        kit.close();
    }

    @Test
    void moneyHoldsAfterEveryStepOfThousandsOfMixedOperations() throws Exception {
        // Proves: after every step every journal balances, the charity payable and reservations never go negative, the live totals
        // equal the ledger and the records, and paid + reserved + outstanding + refunded == charged for every fund; verify passes.
        long seed = Long.getLong("settle.random.seed", System.nanoTime());
        random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        int step = 0;
        try {
            for (step = 1; step <= STEPS; step++) {
                long t0 = System.nanoTime();
                step();
                timed("op " + lastOp, t0);
                long t1 = System.nanoTime();
                check(step);
                timed("check", t1);
                if (step % VERIFY_EVERY_STEPS == 0) {
                    long t2 = System.nanoTime();
                    kit.assertVerified();
                    timed("verify", t2);
                }
            }
            kit.assertVerified();
        } catch (Throwable e) {
            throw new AssertionError("settlement random test failed at step " + step + " with seed " + seed
                    + " (rerun: -Dsettle.random.seed=" + seed + "); operations so far: " + done, e);
        }
        System.out.println("SettlementRandomTest seed " + seed + ": " + done);
        nanos.forEach((k, v) -> System.out.printf("  %-20s %8.1f s%n", k, v / 1e9));
        assertThat(done.getOrDefault("donations", 0)).isGreaterThan(1_000);
        assertThat(done.getOrDefault("imports", 0)).isGreaterThan(20);
    }

    private final Map<String, Long> nanos = new java.util.TreeMap<>();

    private void timed(String what, long since) {
        nanos.merge(what, System.nanoTime() - since, Long::sum);
    }

    private void step() throws Exception {
        long t = System.nanoTime();
        stepOnce();
        timed("step", t);
    }

    private void stepOnce() throws Exception {
        int roll = random.nextInt(100);
        if (roll < 42) {
            donations();
        } else if (roll < 48) {
            lateReceipts();
        } else if (roll < 56) {
            kit.clock.advance(Duration.ofMinutes(random.nextLong(1, 60 * 24 * 6)));
            kit.core.janitor.runOnce();
            acceptFree();
            count("clock");
        } else if (roll < 66) {
            settlementReport();
        } else if (roll < 74) {
            staffRefund();
        } else if (roll < 84) {
            decide();
        } else if (roll < 94) {
            payouts();
        } else {
            reimport();
        }
    }

    private String lastOp = "";

    private void count(String what) {
        lastOp = what;
        done.merge(what, 1, Integer::sum);
    }

    // ---- donations and the network's answers ---------------------------------------------------

    private void donations() throws Exception {
        int gifts = random.nextInt(1, 15);
        List<CompletableFuture<?>> submitted = new ArrayList<>();
        for (int i = 0; i < gifts; i++) {
            String network = NETWORKS[random.nextInt(NETWORKS.length)];
            submitted.add(kit.core.texts.submit(new InboundText("smpp", "r" + (++texts), SettleKit.phone(++donors), "70141",
                    BODIES[random.nextInt(BODIES.length)], network, kit.clock.instant())));
        }
        for (CompletableFuture<?> future : submitted) {
            future.get();
        }
        Fixtures.awaitActed(kit.core.texts);
        List<OutboundMessage> billed = kit.core.events.claim(1_000).stream().filter(OutboundMessage::isBilled).toList();
        List<Future<?>> answers = new ArrayList<>();
        for (OutboundMessage message : billed) {
            String id = "rm" + (++messageIds);
            int fate = random.nextInt(100);
            answers.add(pool.submit(() -> {
                answer(message, id, fate);
                return null;
            }));
        }
        for (Future<?> answer : answers) {
            answer.get();
        }
        acceptFree();
        done.merge("donations", gifts, Integer::sum);
        lastOp = "donations";
    }

    /** The free texts (thank-yous, replies) are sent and accepted, as a network would: unanswered, the janitor would resend them. */
    private void acceptFree() throws Exception {
        List<Future<?>> accepted = new ArrayList<>();
        for (OutboundMessage message : kit.core.events.claim(1_000)) {
            accepted.add(pool.submit(() -> {
                kit.core.events.accepted(message.id(), "free" + message.id()).join();
                return null;
            }));
        }
        for (Future<?> each : accepted) {
            each.get();
        }
    }

    /** One billed message's fate: charged, declined, a receipt before the acceptance, a duplicate receipt, a late receipt, or silence. */
    private void answer(OutboundMessage message, String id, int fate) throws Exception {
        Instant now = kit.clock.instant();
        if (fate < 78) {
            kit.core.events.accepted(message.id(), id).join();
            kit.core.events.submit(new ChargeReport.Delivered(id, now)).get();
        } else if (fate < 84) {
            kit.core.events.accepted(message.id(), id).join();
            kit.core.events.submit(new ChargeReport.Declined(id, now, fate % 2 == 0 ? "INSUFFICIENT_FUNDS" : "PERMANENTLY_BARRED", fate % 2 == 1)).get();
        } else if (fate < 88) {
            kit.core.events.submit(new ChargeReport.Delivered(id, now)).get();
            kit.core.events.accepted(message.id(), id).join();
        } else if (fate < 92) {
            kit.core.events.accepted(message.id(), id).join();
            kit.core.events.submit(new ChargeReport.Delivered(id, now)).get();
            kit.core.events.submit(new ChargeReport.Delivered(id, now)).get();
        } else if (fate < 96) {
            kit.core.events.accepted(message.id(), id).join(); // the receipt comes late, or never
            synchronized (pendingReports) {
                pendingReports.add(id);
            }
        } else {
            kit.core.events.noAnswer(message.id()).join();
        }
    }

    /** Receipts that come late: perhaps after the janitor made the part UNKNOWN, perhaps after it expired. */
    private void lateReceipts() throws Exception {
        int n = Math.min(pendingReports.size(), random.nextInt(1, 6));
        for (int i = 0; i < n; i++) {
            String id = pendingReports.remove(random.nextInt(pendingReports.size()));
            kit.core.events.submit(new ChargeReport.Delivered(id, kit.clock.instant())).get();
        }
        acceptFree();
        count("late receipts");
    }

    // ---- settlement reports ----------------------------------------------------------------------

    private record Part(long id, String requestId, String messageId, long amount, Instant chargedAt, String network, byte[] phoneHash) {
    }

    private List<Part> parts(String where, Object... params) {
        return kit.database.inTransaction(connection -> {
            List<Part> parts = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select p.id, p.request_id, p.network_message_id, p.amount_pence, coalesce(p.resolved_at, p.submitted_at), coalesce(d.network, 'unknown'),"
                            + " dn.phone_hash from charge_part p join donation d on d.id = p.donation_id left join donor dn on dn.id = d.donor_id where "
                            + where + " order by p.id")) {
                for (int i = 0; i < params.length; i++) {
                    select.setObject(i + 1, params[i]);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        java.sql.Timestamp at = rows.getTimestamp(5);
                        parts.add(new Part(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getLong(4), at == null ? kit.clock.instant() : at.toInstant(),
                                rows.getString(6), rows.getBytes(7)));
                    }
                }
            }
            return parts;
        });
    }

    private String line(Part part, long amount, String status) {
        String phone = switch (random.nextInt(10)) {
            case 0, 1, 2 -> part.phoneHash() == null ? "" : HexFormat.of().formatHex(part.phoneHash());
            case 3 -> HexFormat.of().formatHex(new byte[32]); // somebody else's number
            case 4 -> "447700900" + random.nextInt(100, 999); // a full number: masked as read
            default -> "4477009*****";
        };
        String requestId = random.nextInt(10) == 0 ? "" : part.requestId(); // some reports carry only the aggregator's id
        return requestId + "," + (part.messageId() == null ? "" : part.messageId()) + "," + phone + "," + amount + "," + part.chargedAt() + "," + status;
    }

    private void settlementReport() throws Exception {
        List<Part> charged = parts("p.state = 'CHARGED'");
        if (charged.isEmpty()) {
            return;
        }
        Part pick = charged.get(random.nextInt(charged.size()));
        String network = pick.network();
        Period period = Period.of(pick.chargedAt());
        List<String> lines = new ArrayList<>();
        for (Part part : charged) {
            if (!part.network().equals(network) || !Period.of(part.chargedAt()).equals(period)) {
                continue;
            }
            int fate = random.nextInt(100);
            if (fate < 78) {
                lines.add(line(part, part.amount(), "charged"));
            } else if (fate < 84) {
                continue; // missing from the report
            } else if (fate < 88) {
                lines.add(line(part, Math.max(1, part.amount() + random.nextInt(-150, 150)), "charged"));
            } else if (fate < 94) {
                lines.add(line(part, part.amount(), "refunded"));
            } else {
                lines.add(line(part, part.amount(), "charged"));
                lines.add(line(part, part.amount(), random.nextBoolean() ? "charged" : "refunded"));
            }
        }
        for (int extra = random.nextInt(3); extra > 0; extra--) {
            lines.add("adNOBODY" + random.nextInt(1_000_000) + ",," + "4477009*****," + random.nextInt(100, 2_001) + "," + kit.clock.instant() + ",charged");
        }
        List<Part> notCharged = parts("p.state <> 'CHARGED' and p.network_message_id is not null");
        if (!notCharged.isEmpty() && random.nextBoolean()) {
            Part silent = notCharged.get(random.nextInt(notCharged.size())); // the network charged a part we think failed or is unknown
            lines.add(line(silent, silent.amount(), "charged"));
        }
        if (random.nextInt(4) == 0) {
            Part late = charged.get(random.nextInt(charged.size())); // a charge from another month (or network) turns up here
            lines.add(line(late, late.amount(), "charged"));
        }
        for (int bad = random.nextInt(3); bad > 0; bad--) {
            lines.add(random.nextBoolean() ? "adX,,,ten," + kit.clock.instant() + ",charged" : "\"broken,line");
        }
        java.util.Collections.shuffle(lines, new java.util.Random(random.nextLong()));
        java.nio.file.Path file = kit.report(lines);
        ImportResult result = kit.settle.importer.importFile(new ImportRequest(file, network, period, "random"), ImportProgress.SILENT);
        assertThat(result).isInstanceOf(ImportResult.Imported.class);
        ImportResult.Imported report = (ImportResult.Imported) result;
        long classed = 0;
        for (LineClass lineClass : LineClass.values()) {
            classed += lineClass == LineClass.MISSING ? 0 : report.lines(lineClass).count();
        }
        assertThat(classed + report.malformedCount()).as("every line in exactly one class or malformed").isEqualTo(report.linesRead());
        imported.add(file);
        count("imports");
    }

    private void reimport() {
        if (imported.isEmpty()) {
            return;
        }
        long journals = kit.count("select count(*) from journal");
        long lines = kit.count("select count(*) from settlement_line");
        ImportResult again = kit.settle.importer.importFile(new ImportRequest(imported.get(random.nextInt(imported.size())), "ee", Period.parse("2026-01"),
                "random"), ImportProgress.SILENT);
        assertThat(again).isInstanceOf(ImportResult.AlreadyImported.class);
        assertThat(kit.count("select count(*) from journal")).isEqualTo(journals);
        assertThat(kit.count("select count(*) from settlement_line")).isEqualTo(lines);
        count("re-imports");
    }

    // ---- staff: refunds, decisions, payouts --------------------------------------------------------

    private void staffRefund() {
        long donations = kit.count("select coalesce(max(id), 0) from donation");
        if (donations == 0) {
            return;
        }
        long donation = random.nextLong(1, donations + 1);
        Refunds.Outcome outcome = kit.settle.refunds.refundDonation(donation, "staff", "random refund");
        count(switch (outcome) {
            case Refunds.Outcome.Refunded r -> "refunds";
            case Refunds.Outcome.NothingToRefund n -> "refunds refused";
            case Refunds.Outcome.NoSuchDonation n -> "refunds of nothing";
        });
    }

    private void decide() {
        List<String> months = kit.database.inTransaction(connection -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("select distinct network || ' ' || to_char(period, 'YYYY-MM') from settlement_import");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        });
        if (months.isEmpty()) {
            return;
        }
        String[] month = months.get(random.nextInt(months.size())).split(" ");
        if (random.nextInt(10) == 0) {
            assertThat(kit.settle.reconciliation.status(month[0], Period.parse(month[1]))).hasSize(1);
        }
        List<Reconciliation.OpenItem> open = kit.settle.reconciliation.openItems(month[0], Period.parse(month[1]), 50);
        if (open.isEmpty()) {
            return;
        }
        Reconciliation.OpenItem item = open.get(random.nextInt(open.size()));
        Resolutions.Target target = item.importId() != null ? new Resolutions.Target.Line(item.importId(), item.lineNo())
                : new Resolutions.Target.MissingCharge(item.partId());
        Resolutions.Action action = switch (item.lineClass()) {
            case MISSING -> random.nextInt(5) == 0 ? Resolutions.Action.DISMISS : Resolutions.Action.WRITE_OFF;
            case UNKNOWN_HERE, AMOUNT_MISMATCH -> random.nextInt(3) == 0 ? Resolutions.Action.DISMISS : Resolutions.Action.SETTLE;
            case MATCHED, REFUNDED -> Resolutions.Action.DISMISS;
        };
        Resolutions.Outcome outcome = kit.settle.resolutions.resolve(target, action, SettleKit.SLUG, "staff", "random decision");
        count(outcome instanceof Resolutions.Outcome.Resolved ? "decisions" : "decisions refused");
    }

    private void payouts() throws Exception {
        Map<String, Long> heldBefore = held();
        List<Callable<List<Payouts.FundOutcome>>> prepares = new ArrayList<>();
        int threads = random.nextBoolean() ? THREADS : 1;
        for (int i = 0; i < threads; i++) {
            prepares.add(() -> kit.settle.payouts.prepare(SettleKit.SLUG, "staff"));
        }
        List<Payouts.Payout> reserved = new ArrayList<>();
        for (Future<List<Payouts.FundOutcome>> future : pool.invokeAll(prepares)) {
            for (Payouts.FundOutcome outcome : future.get()) {
                if (outcome instanceof Payouts.FundOutcome.Reserved r) {
                    reserved.add(r.payout());
                }
            }
        }
        for (Payouts.Payout payout : reserved) {
            assertThat(reserved.stream().filter(p -> p.fundSlug().equals(payout.fundSlug()))).as("one reservation per fund").hasSize(1);
            assertThat(payout.amountPence() + payout.nettedPence()).as("reserve no more than was settled and held").isLessThanOrEqualTo(heldBefore.get(payout.fundSlug()));
        }
        for (Payouts.Payout open : kit.settle.payouts.list(SettleKit.SLUG)) {
            if (open.state() != Payouts.State.RESERVED || random.nextInt(4) == 0) {
                continue;
            }
            if (random.nextInt(3) == 0) {
                kit.settle.payouts.voidPayout(open.id(), "staff", "random void");
                count("payouts voided");
            } else {
                List<Callable<Payouts.ChangeOutcome>> confirms = new ArrayList<>();
                for (int i = 0; i < (random.nextBoolean() ? THREADS : 1); i++) {
                    String reference = "BANK-" + open.id() + "-" + i;
                    confirms.add(() -> kit.settle.payouts.confirm(open.id(), reference, "staff"));
                }
                long changed = 0;
                for (Future<Payouts.ChangeOutcome> future : pool.invokeAll(confirms)) {
                    changed += future.get() instanceof Payouts.ChangeOutcome.Changed ? 1 : 0;
                }
                assertThat(changed).as("a payout is paid once").isEqualTo(1);
                count("payouts paid");
            }
        }
        done.merge("payouts reserved", reserved.size(), Integer::sum);
        lastOp = "payouts";
    }

    private Map<String, Long> held() {
        Map<String, Long> held = new java.util.HashMap<>();
        for (AppealReport.FundReport fund : kit.report().funds()) {
            held.put(fund.fund(), fund.heldPence());
        }
        return held;
    }

    // ---- the invariants ------------------------------------------------------------------------------

    private void check(int step) {
        long unbalanced = kit.database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select count(*) from (select j.id from journal j left join posting p on p.journal_id = j.id where j.id > ?"
                            + " group by j.id having coalesce(sum(p.amount_pence), 0) <> 0 or count(p.journal_id) < 2) x")) {
                select.setLong(1, journalWatermark);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
        assertThat(unbalanced).as("journals that do not balance, after step " + step).isZero();
        journalWatermark = kit.count("select coalesce(max(id), 0) from journal");

        long[] money = kit.database.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select (select coalesce(sum(amount_pence), 0) from donation where state = 'CHARGED')"
                            + " - (select coalesce(sum(designated_pence + overflow_pence), 0) from refund)"
                            + " - (select coalesce(sum(written_off_designated + written_off_overflow), 0) from part_settlement),"
                            + " (select -coalesce(sum(p.amount_pence), 0) from posting p join account a on a.id = p.account_id join journal j on j.id = p.journal_id"
                            + " where a.kind = 'FUND' and j.kind in ('CHARGE', 'REFUND'))");
                 ResultSet row = select.executeQuery()) {
                row.next();
                return new long[]{row.getLong(1), row.getLong(2)};
            }
        });
        long totals = kit.totalCharged();
        assertThat(totals).as("live totals after step " + step).isEqualTo(money[1]).isEqualTo(money[0]);

        AppealReport report = kit.report();
        for (AppealReport.FundReport fund : report.funds()) {
            assertThat(fund.heldPence()).as("the charity payable of " + fund.fund()).isGreaterThanOrEqualTo(0);
            assertThat(fund.reservedPence()).as("reserved for " + fund.fund()).isGreaterThanOrEqualTo(0);
            assertThat(fund.recoverablePence()).as("recoverable from the charity for " + fund.fund()).isGreaterThanOrEqualTo(0);
            assertThat(fund.identityHolds()).as("paid + reserved + outstanding + refunded == charged: " + fund).isTrue();
        }
    }

}
