package org.appealdesk.settle;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.appealdesk.platform.UkCalendar;

/**
 * How overdue money still owed by a network is. Operators settle 45-99 days after the end of the
 * month of the charge (DOMAIN.md), so age is counted from that month's end.
 */
public enum AgeBucket {
    /** Less than 45 days after the month's end: the network is not late. */
    NOT_YET_DUE,
    /** 45-99 days after the month's end: the report is due now. */
    DUE,
    /** 100 days or more after the month's end: chase the network. */
    OVERDUE;

    public static final int DUE_AFTER_DAYS = 45;
    public static final int OVERDUE_AFTER_DAYS = 100;

    /** The bucket of charges made in {@code month}, seen at {@code now}. */
    public static AgeBucket of(Period month, Instant now) {
        LocalDate monthEnd = month.month().atEndOfMonth();
        long days = ChronoUnit.DAYS.between(monthEnd, UkCalendar.dayOf(now));
        if (days >= OVERDUE_AFTER_DAYS) {
            return OVERDUE;
        }
        return days >= DUE_AFTER_DAYS ? DUE : NOT_YET_DUE;
    }
}
