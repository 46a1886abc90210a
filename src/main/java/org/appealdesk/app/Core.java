package org.appealdesk.app;

import java.time.Duration;
import java.time.InstantSource;
import org.appealdesk.appeal.AppealCatalog;
import org.appealdesk.appeal.AppealRegistry;
import org.appealdesk.donation.CardGifts;
import org.appealdesk.donation.ChargeEventService;
import org.appealdesk.donation.ChargeSettings;
import org.appealdesk.donation.Janitor;
import org.appealdesk.donation.TextIntakeService;
import org.appealdesk.donor.Donors;
import org.appealdesk.giftaid.GiftAid;
import org.appealdesk.giftaid.GiftAidClaims;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.ledger.LedgerVerifier;
import org.appealdesk.platform.Database;
import org.appealdesk.platform.GroupCommitter;
import org.appealdesk.platform.PhoneVault;
import org.appealdesk.settle.Settlement;
import org.appealdesk.totals.TotalsService;

/**
 * The core capabilities wired by hand, in one place (no container): everything the doors (SMPP,
 * HTTP) plug into. The caller owns the database and closes the core before it.
 */
public final class Core implements AutoCloseable {

    /**
     * Group-commit settings: the text intake (over {@code textWriters} writers) and the charge
     * events (over {@code eventWriters}); how many freshly written messages may wait in memory for
     * the sender ({@code handoffCapacity}, 0 to claim every message from the database); and how
     * long the acting stage lingers for more texts ({@code actingLinger}; at least the texts' own linger).
     */
    public record Batching(GroupCommitter.Settings texts, int textWriters, GroupCommitter.Settings events, int eventWriters,
                           int handoffCapacity, Duration actingLinger) {
        /** Text writers by default; see BENCHMARKS.md for the measurement behind the number. */
        public static final int TEXT_WRITERS_DEFAULT = 1;
        /** Charge event writers by default; see BENCHMARKS.md for the measurement behind the number. */
        public static final int EVENT_WRITERS_DEFAULT = 1;
        /**
         * How long the text intake and the charge events each linger for more items before a commit
         * (unless half a batch is already waiting: {@link GroupCommitter}), by default. A commit costs
         * about the same CPU whatever it holds, so a longer linger makes fewer, larger commits and
         * leaves more of the cores to the rest, and every acknowledgement (texts) or thank-you
         * (events) waits for it. The numbers are measured: BENCHMARKS.md, "The writers' linger".
         */
        public static final int TEXT_LINGER_MS_DEFAULT = 4;
        public static final int EVENT_LINGER_MS_DEFAULT = 6;
        /**
         * The longest linger accepted for either, the acting stage's own: the acting stage waits at
         * least as long as the intake, so a longer text linger would hold up the donations too. The
         * measured gains come from the first few milliseconds.
         */
        public static final int LINGER_MS_MAX = 50;

        public Batching {
            GroupCommitter.requireWriters("text writers", textWriters);
            GroupCommitter.requireWriters("event writers", eventWriters);
        }

        /** With the default event writers and the acting stage's default linger. */
        public Batching(GroupCommitter.Settings texts, int textWriters, GroupCommitter.Settings events, int handoffCapacity) {
            this(texts, textWriters, events, EVENT_WRITERS_DEFAULT, handoffCapacity, TextIntakeService.ACTING_LINGER_DEFAULT);
        }

        public static Batching defaults() {
            return new Batching(
                    new GroupCommitter.Settings("text-intake", 500, 20_000, Duration.ofMillis(TEXT_LINGER_MS_DEFAULT)), TEXT_WRITERS_DEFAULT,
                    new GroupCommitter.Settings("charge-events", 500, 20_000, Duration.ofMillis(EVENT_LINGER_MS_DEFAULT)),
                    ChargeEventService.HANDOFF_CAPACITY_DEFAULT);
        }

        public Batching withTextWriters(int writers) {
            return new Batching(texts, writers, events, eventWriters, handoffCapacity, actingLinger);
        }

        public Batching withEventWriters(int writers) {
            return new Batching(texts, textWriters, events, writers, handoffCapacity, actingLinger);
        }

        public Batching withHandoffCapacity(int capacity) {
            return new Batching(texts, textWriters, events, eventWriters, capacity, actingLinger);
        }

        /** With the text intake lingering {@code linger} (0 to {@link #LINGER_MS_MAX} ms) for more texts before each commit. */
        public Batching withTextLinger(Duration linger) {
            return new Batching(lingering(texts, "text linger", linger), textWriters, events, eventWriters, handoffCapacity, actingLinger);
        }

        /** With the charge events lingering {@code linger} (0 to {@link #LINGER_MS_MAX} ms) for more events before each commit. */
        public Batching withEventLinger(Duration linger) {
            return new Batching(texts, textWriters, lingering(events, "event linger", linger), eventWriters, handoffCapacity, actingLinger);
        }

        /** {@code millis} as a linger, refused outside 0 to {@link #LINGER_MS_MAX} ms with {@code setting}'s name. */
        public static Duration linger(String setting, long millis) {
            Duration linger = Duration.ofMillis(millis);
            requireLinger(setting, linger);
            return linger;
        }

        /** Refuses a linger outside 0 to {@link #LINGER_MS_MAX} ms, naming {@code setting}. */
        private static void requireLinger(String setting, Duration linger) {
            if (linger == null || linger.isNegative() || linger.compareTo(Duration.ofMillis(LINGER_MS_MAX)) > 0) {
                throw new IllegalArgumentException(setting + " must be 0-" + LINGER_MS_MAX + " ms, got "
                        + (linger == null ? "nothing" : linger.toMillis() + " ms"));
            }
        }

        private static GroupCommitter.Settings lingering(GroupCommitter.Settings settings, String setting, Duration linger) {
            requireLinger(setting, linger);
            return new GroupCommitter.Settings(settings.name(), settings.batchSizeMax(), settings.queueCapacity(), linger);
        }

        /** A shorter linger makes each text's acting wait less; tests that wait for it step after step use one. */
        public Batching withActingLinger(Duration linger) {
            return new Batching(texts, textWriters, events, eventWriters, handoffCapacity, linger);
        }
    }

    public final Database database;
    public final AppealCatalog catalog;
    public final Donors donors;
    public final Ledger ledger;
    public final TextIntakeService texts;
    public final ChargeEventService events;
    public final Janitor janitor;
    public final CardGifts cardGifts;
    public final TotalsService totals;
    public final LedgerVerifier verifier;
    public final Settlement settle;
    public final GiftAid giftAid;
    public final GiftAidClaims giftAidClaims;

    public Core(Database database, AppealCatalog catalog, PhoneVault vault, ChargeSettings charging, Batching batching,
                InstantSource clock, Duration totalsRefresh) {
        this.database = database;
        this.catalog = catalog;
        AppealRegistry.sync(database, catalog, clock.instant());
        this.donors = new Donors(vault);
        this.ledger = new Ledger(database);
        this.events = new ChargeEventService(database, catalog, donors, ledger, clock, batching.events(), batching.eventWriters(), charging.claimTimeout(),
                batching.handoffCapacity());
        this.texts = new TextIntakeService(database, catalog, donors, charging, clock, batching.texts(), batching.textWriters(),
                batching.actingLinger(), events);
        this.janitor = new Janitor(database, events, charging, clock);
        this.cardGifts = new CardGifts(database, events, clock);
        this.totals = new TotalsService(database, catalog, clock, totalsRefresh);
        this.verifier = new LedgerVerifier(database);
        this.settle = new Settlement(database, ledger, clock);
        this.giftAid = new GiftAid(database, catalog, clock);
        this.giftAidClaims = new GiftAidClaims(database, clock);
    }

    @Override
    public void close() {
        totals.close();
        texts.close();
        events.close();
    }
}
