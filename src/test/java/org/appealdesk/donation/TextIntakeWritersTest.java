package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.appealdesk.app.Core;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.PhoneNumber;
import org.appealdesk.sms.InboundText;
import org.appealdesk.sms.TextIntake.IntakeOutcome;
import org.appealdesk.support.Fixtures;
import org.appealdesk.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The text intake split over several group-commit writers, on the real embedded PostgreSQL. */
class TextIntakeWritersTest {

    private static final int DONORS = 12;
    private static final int TEXTS_EACH = 4;

    private Database database;
    private Core core;

    @BeforeEach
    void start() {
        database = TestDatabase.clean();
        core = Fixtures.core(database, Fixtures.catalog(10)).batching(Core.Batching.defaults().withTextWriters(3)).start();
    }

    @AfterEach
    void stop() {
        core.close();
    }

    @Test
    void everyDonorsTextsMeetOneWriterSoTheDailyCapAndRedeliveryHoldUnderConcurrency() throws Exception {
        // Proves: with 3 writers and 48 texts of £10 submitted at once by 12 donors (cap £30 a day), every text is recorded once,
        // each donor gets exactly 3 gifts charging and 1 refused at the cap, and every redelivery is a duplicate.
        List<CompletableFuture<IntakeOutcome>> first = new ArrayList<>();
        List<CompletableFuture<IntakeOutcome>> again = new ArrayList<>();
        for (int text = 0; text < TEXTS_EACH; text++) {
            for (int donor = 0; donor < DONORS; donor++) {
                first.add(core.texts.submit(text(donor, text)));
            }
        }
        for (CompletableFuture<IntakeOutcome> outcome : first) {
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.RECORDED);
        }
        for (int donor = 0; donor < DONORS; donor++) {
            again.add(core.texts.submit(text(donor, 0)));
        }
        for (CompletableFuture<IntakeOutcome> outcome : again) {
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(IntakeOutcome.DUPLICATE);
        }
        Fixtures.awaitActed(core.texts);

        assertThat(TestDatabase.count(database, "select count(*) from inbound_message")).isEqualTo(DONORS * TEXTS_EACH);
        Map<String, Long> perDonor = database.inTransaction(connection -> {
            Map<String, Long> shapes = new HashMap<>();
            try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(
                    "select count(*) filter (where state = 'CHARGING') || ' charging, ' || count(*) filter (where reason = 'DAILY_CAP') || ' capped'"
                            + " from donation group by donor_id")) {
                while (rows.next()) {
                    shapes.merge(rows.getString(1), 1L, Long::sum);
                }
            }
            return shapes;
        });
        assertThat(perDonor).containsExactly(Map.entry("3 charging, 1 capped", (long) DONORS));
        assertThat(core.texts.stats().name()).isEqualTo("text-intake (3 writers)");
        assertThat(core.texts.stats().writers()).isEqualTo(3);
        assertThat(core.texts.stats().items()).isEqualTo(DONORS * (TEXTS_EACH + 1));
        assertThat(core.texts.stats().committedMicros().getTotalCount()).isEqualTo(DONORS * (TEXTS_EACH + 1));
    }

    @Test
    void aNumberAlwaysMeetsTheSameWriterAndNumbersSpreadOverAll() {
        // Proves the routing: the same number always maps to the same writer, and 12 numbers use all 3 writers.
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int donor = 0; donor < DONORS; donor++) {
            PhoneNumber number = text(donor, 0).source();
            int writer = core.texts.writerOf(number);
            assertThat(core.texts.writerOf(PhoneNumber.parse(number.digits()))).isEqualTo(writer);
            used.add(writer);
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void aWriterCountOutsideItsLimitsIsRefused() {
        assertThatThrownBy(() -> new TextIntakeService(database, Fixtures.catalog(10), core.donors, ChargeSettings.defaults(), InstantSource.system(),
                Core.Batching.defaults().texts(), 0, TextIntakeService.ACTING_LINGER_DEFAULT, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-8");
    }

    private static InboundText text(int donor, int text) {
        return new InboundText("smpp", "d" + donor + "-t" + text, PhoneNumber.parse("4477009005" + String.format("%02d", donor)), "70141",
                "SUN10", "o2", Instant.now());
    }

}
