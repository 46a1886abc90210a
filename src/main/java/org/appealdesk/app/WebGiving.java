package org.appealdesk.app;

import java.time.InstantSource;
import org.appealdesk.giftaid.GiftAidReminders;
import org.appealdesk.web.WebGivingRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web giving wired by hand from the core and its configuration: the public pages and Stripe's
 * webhook for the HTTP server, and the Gift Aid reminders for the scheduler.
 */
public final class WebGiving {

    private static final Logger log = LoggerFactory.getLogger(WebGiving.class);

    public final WebGivingRoutes routes;
    public final GiftAidReminders reminders;

    public WebGiving(Core core, WebGivingConfig config, InstantSource clock) {
        if (config.stripe() == null) {
            log.warn("card payments are off ({}): the donate page offers text giving only", config.cardPaymentsOffReason());
        }
        this.routes = new WebGivingRoutes(core.catalog, config::settings, core.cardGifts, core.giftAid, core.totals, core.database,
                config.stripe(), config.sampleArticle(), clock);
        this.reminders = new GiftAidReminders(core.database, core.catalog, config::settings, clock);
    }

    /** For the scheduler: queues due reminders; logs and carries on when the database is unavailable. */
    public void remindOnce() {
        try {
            int queued = reminders.runOnce();
            if (queued > 0) {
                log.info("queued {} Gift Aid reminder text(s)", queued);
            }
        } catch (RuntimeException e) {
            log.warn("Gift Aid reminder pass failed; next pass later: {}", e.toString());
        }
    }
}
