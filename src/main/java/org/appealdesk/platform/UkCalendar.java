package org.appealdesk.platform;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Daily caps follow the UK day (midnight in London, through summer time), not UTC's. */
public final class UkCalendar {

    public static final ZoneId LONDON = ZoneId.of("Europe/London");

    private UkCalendar() {
    }

    public static LocalDate dayOf(Instant instant) {
        return LocalDate.ofInstant(instant, LONDON);
    }
}
