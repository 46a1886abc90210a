package org.appealdesk.settle;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import org.appealdesk.platform.UkCalendar;

/**
 * A settlement month. Networks settle per calendar month, and a charge belongs to the month of its
 * UK (Europe/London) date, like the daily cap: a charge at 00:30 BST on 1 April is April's.
 */
public record Period(YearMonth month) implements Comparable<Period> {

    /** Earliest month accepted: nothing was charged on this platform before it. */
    public static final YearMonth EARLIEST = YearMonth.of(2020, 1);

    public Period {
        if (month == null || month.isBefore(EARLIEST) || month.getYear() > 2999) {
            throw new IllegalArgumentException("period must be a month from " + EARLIEST + ", got " + month);
        }
    }

    /** "2026-03". */
    public static Period parse(String text) {
        try {
            return new Period(YearMonth.parse(text == null ? "" : text.strip()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("period must be YYYY-MM, got '" + text + "'");
        }
    }

    public static Period of(Instant instant) {
        return new Period(YearMonth.from(UkCalendar.dayOf(instant)));
    }

    public static Period ofFirstDay(LocalDate firstDay) {
        return new Period(YearMonth.from(firstDay));
    }

    public LocalDate firstDay() {
        return month.atDay(1);
    }

    /** The first instant of the month in London. */
    public Instant start() {
        return firstDay().atStartOfDay(UkCalendar.LONDON).toInstant();
    }

    /** The first instant after the month in London. */
    public Instant end() {
        return month.plusMonths(1).atDay(1).atStartOfDay(UkCalendar.LONDON).toInstant();
    }

    @Override
    public int compareTo(Period other) {
        return month.compareTo(other.month);
    }

    @Override
    public String toString() {
        return month.toString();
    }
}
