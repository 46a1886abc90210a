package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.appealdesk.app.Core;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.ChargeReport;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.appealdesk.totals.AppealTotals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The charge events split over several group-commit writers, on the real embedded PostgreSQL. */
class ChargeEventWritersTest {

    private static final int WRITERS = 3;
    /** Donors giving £20 on Three, which is charged in two £10 parts, each its own message. */
    private static final int SPLIT_DONORS = 12;
    /** Donors giving £5 on O2, in one part. */
    private static final int SINGLE_DONORS = 24;

    private Database database;
    private Core core;

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        ChargeSettings charging = Fixtures.chargingSplitOnThree();
        core = Fixtures.core(database, Fixtures.catalog(100_000)).charging(charging).batching(Core.Batching.defaults().withEventWriters(WRITERS)).start();
    }

    @AfterEach
    void stop() {
        core.close();
    }

    @Test
    void answersAndReportsInEveryOrderAcrossWritersChargeEachGiftOnce() throws Exception {
        // Proves: with 3 writers, 48 billed messages for 36 gifts (12 split in two parts, which may meet different writers and
        // then meet under the donation's lock) end exactly as one writer ends them. Half the reports come first and are
        // committed waiting for their acceptance; then every acceptance, the other reports and a duplicate of each report are
        // submitted at once (no waiting between them); one part of each of three split gifts is declined. Each charged gift
        // has one CHARGE journal, every report is applied, each gift gets one thank-you or one not-charged text, the totals
        // add up and verify passes. (The race a wrong routing would open is too narrow to show here reliably: the routing
        // test below is what fails if reports go by another key than their acceptance.)
        for (int donor = 0; donor < SPLIT_DONORS; donor++) {
            text(donor, "SUN 20", "three");
        }
        for (int donor = SPLIT_DONORS; donor < SPLIT_DONORS + SINGLE_DONORS; donor++) {
            text(donor, "SUN£5", "o2");
        }
        Fixtures.awaitActed(core.texts);
        List<OutboundMessage> billed = claimAll().stream().filter(OutboundMessage::isBilled).toList();
        assertThat(billed).hasSize(SPLIT_DONORS * 2 + SINGLE_DONORS);

        // Part 2 of the first three split donors' gifts is declined: those three gifts fail, their part 1 goes to suspense.
        Set<PhoneNumber> declinedDonors = new HashSet<>();
        Map<PhoneNumber, Integer> partsSeen = new HashMap<>();
        List<CompletableFuture<Void>> early = new ArrayList<>();
        List<Runnable> atOnce = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < billed.size(); i++) {
            OutboundMessage message = billed.get(i);
            String id = "M-" + i; // upper case: stored and routed in lower case
            int partNo = partsSeen.merge(message.destination(), 1, Integer::sum);
            boolean decline = partNo == 2 && declinedDonors.size() < 3;
            if (decline) {
                declinedDonors.add(message.destination());
            }
            ChargeReport report = decline ? new ChargeReport.Declined(id, Instant.now(), "INSUFFICIENT_FUNDS", false)
                    : new ChargeReport.Delivered(id, Instant.now());
            if (i % 2 == 0) { // the report overtakes the acceptance, and waits for it in charge_report
                early.add(core.events.submit(report));
                atOnce.add(() -> pending.add(core.events.accepted(message.id(), id)));
            } else {
                atOnce.add(() -> pending.add(core.events.accepted(message.id(), id.toLowerCase(java.util.Locale.ROOT))));
                atOnce.add(() -> pending.add(core.events.submit(report)));
            }
            atOnce.add(() -> pending.add(core.events.submit(report))); // a duplicate receipt
        }
        for (CompletableFuture<Void> future : early) {
            future.get(30, TimeUnit.SECONDS);
        }
        assertThat(count("select count(*) from charge_report where applied_at is null")).as("waiting for their acceptance").isEqualTo(early.size());
        atOnce.forEach(Runnable::run);
        for (CompletableFuture<Void> future : pending) {
            future.get(30, TimeUnit.SECONDS);
        }

        int charged = SPLIT_DONORS + SINGLE_DONORS - 3;
        assertThat(count("select count(*) from donation where state = 'CHARGED'")).isEqualTo(charged);
        assertThat(count("select count(*) from donation where state = 'FAILED'")).isEqualTo(3);
        assertThat(count("select count(*) from journal where kind = 'CHARGE'")).isEqualTo(charged);
        assertThat(count("select count(*) from (select donation_id from journal where kind = 'CHARGE' group by donation_id having count(*) > 1) d"))
                .isZero();
        assertThat(count("select count(*) from journal where kind = 'PARTIAL_CHARGE'")).isEqualTo(3);
        assertThat(count("select count(*) from charge_report where applied_at is null")).isZero();
        assertThat(count("select count(*) from charge_report")).isEqualTo(billed.size());
        assertThat(count("select sum(repeats) from charge_report")).isEqualTo(billed.size());
        assertThat(count("select count(*) from charge_part where network_message_id is null")).isZero();
        assertThat(core.verifier.verify().passed()).isTrue();

        core.totals.refreshNow();
        AppealTotals totals = core.totals.totals("sun-ukraine").orElseThrow();
        assertThat(totals.chargedPence()).isEqualTo((SPLIT_DONORS - 3) * 2_000L + SINGLE_DONORS * 500L);
        assertThat(totals.donationCount()).isEqualTo(charged);

        List<OutboundMessage> replies = claimAll();
        assertThat(replies).noneMatch(OutboundMessage::isBilled);
        assertThat(replies.stream().filter(m -> m.text().startsWith("Thank you for giving"))).hasSize(charged);
        assertThat(replies.stream().filter(m -> m.text().contains("not been charged")).map(OutboundMessage::destination))
                .containsExactlyInAnyOrderElementsOf(declinedDonors);

        assertThat(core.events.stats().name()).isEqualTo("charge-events (" + WRITERS + " writers)");
        assertThat(core.events.stats().writers()).isEqualTo(WRITERS);
        assertThat(core.events.stats().items()).isEqualTo(early.size() + pending.size());
    }

    @Test
    void aMessagesAcceptanceAndReportsMeetOneWriterAndMessagesSpreadOverAll() {
        // Proves the routing: for 200 message ids, the acceptance, a receipt and a decline of the same id go to the same writer,
        // and the ids use every writer; events keyed otherwise spread too.
        Set<Integer> used = new HashSet<>();
        Set<Integer> usedByOutbox = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = Long.toHexString(0x5eed0000L + i * 7919L);
            int writer = ChargeEventService.writerOf(new ChargeEvent.Accepted(i, id), WRITERS);
            assertThat(ChargeEventService.writerOf(new ChargeEvent.Reported(new ChargeReport.Delivered(id, Instant.now())), WRITERS)).isEqualTo(writer);
            assertThat(ChargeEventService.writerOf(new ChargeEvent.Reported(new ChargeReport.Declined(id, Instant.now(), "X", true)), WRITERS))
                    .isEqualTo(writer);
            used.add(writer);
            usedByOutbox.add(ChargeEventService.writerOf(new ChargeEvent.Refused(i, "0x58", false), WRITERS));
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(usedByOutbox).containsExactlyInAnyOrder(0, 1, 2);
    }

    private void text(int donor, String body, String network) throws Exception {
        PhoneNumber from = PhoneNumber.parse("4477009006" + String.format("%02d", donor));
        core.texts.submit(new InboundText("smpp", "mo-" + donor, from, "70141", body, network, Instant.now())).get(10, TimeUnit.SECONDS);
    }

    /** Every message due now, claimed until none is left. */
    private List<OutboundMessage> claimAll() {
        List<OutboundMessage> all = new ArrayList<>();
        for (List<OutboundMessage> some; !(some = core.events.claim(ChargeEventService.CLAIM_COUNT_MAX)).isEmpty(); ) {
            all.addAll(some);
        }
        return all;
    }

    private long count(String sql) {
        return TestDatabase.count(database, sql);
    }
}
