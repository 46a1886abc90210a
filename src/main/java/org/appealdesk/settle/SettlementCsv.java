package org.appealdesk.settle;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.appealdesk.platform.UkCalendar;

/**
 * The settlement report format (README, "Settlement reports"): CSV with a header naming the
 * columns in any order. Required: {@code amount_pence}, {@code charged_at}, {@code status}, and
 * {@code request_id} or {@code message_id}; optional: {@code phone}. Other columns are ignored.
 *
 * <p>Parsing a line never throws for bad input: it returns {@link Malformed} with the reason, so a
 * bad line is reported by number and the rest of the file goes on. Reasons never quote the line
 * (it may hold a phone number).
 */
public final class SettlementCsv {

    /** Longest line read; a longer one is malformed (and skipped without being held in memory). */
    public static final int LINE_CHARS_MAX = 2_048;
    public static final int FIELDS_MAX = 64;
    /** Fonix-style REQUESTIDs are at most 80 characters (DOMAIN.md). */
    public static final int REQUEST_ID_CHARS_MAX = 80;
    public static final int MESSAGE_ID_CHARS_MAX = 100;
    /** £10,000: the largest card gift; a text charge is at most £40. */
    public static final long AMOUNT_PENCE_MAX = 1_000_000;
    private static final int AMOUNT_DIGITS_MAX = String.valueOf(AMOUNT_PENCE_MAX).length();
    /** Longest charged_at text read: ISO-8601 with fractions of a second and an offset fits. */
    private static final int TIME_CHARS_MAX = 40;

    /** A parsed line: well formed, or not with the reason. */
    public sealed interface ParsedLine {
    }

    public record Parsed(ReportLine line) implements ParsedLine {
    }

    public record Malformed(long lineNo, String reason) implements ParsedLine {
    }

    /** The columns a report must or may have, with the header names accepted for each. */
    enum Column {
        REQUEST_ID("requestid"), MESSAGE_ID("messageid", "guid", "aggregatorid"), PHONE("phone", "msisdn", "phonehash", "phonemasked"),
        AMOUNT_PENCE("amountpence"), CHARGED_AT("chargedat", "chargetime"), STATUS("status");

        final List<String> names;

        Column(String... names) {
            this.names = List.of(names);
        }
    }

    private final Map<Column, Integer> index;

    private SettlementCsv(Map<Column, Integer> index) {
        this.index = index;
    }

    /**
     * Reads the header line.
     *
     * @throws IllegalArgumentException naming the missing column, when the file cannot be read at all
     */
    public static SettlementCsv fromHeader(String headerLine) {
        if (headerLine == null) {
            throw new IllegalArgumentException("the file is empty: a settlement report starts with a header line");
        }
        String header = headerLine.startsWith("\uFEFF") ? headerLine.substring(1) : headerLine;
        List<String> names = split(header);
        if (names == null) {
            throw new IllegalArgumentException("the header line is not valid CSV");
        }
        Map<Column, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
            for (Column column : Column.values()) {
                if (column.names.contains(name) && index.putIfAbsent(column, i) != null) {
                    throw new IllegalArgumentException("the header names column " + column.name().toLowerCase(Locale.ROOT) + " twice");
                }
            }
        }
        for (Column required : List.of(Column.AMOUNT_PENCE, Column.CHARGED_AT, Column.STATUS)) {
            if (!index.containsKey(required)) {
                throw new IllegalArgumentException("the header has no " + required.name().toLowerCase(Locale.ROOT) + " column (columns: "
                        + "request_id or message_id, phone, amount_pence, charged_at, status)");
            }
        }
        if (!index.containsKey(Column.REQUEST_ID) && !index.containsKey(Column.MESSAGE_ID)) {
            throw new IllegalArgumentException("the header needs a request_id or a message_id column");
        }
        return new SettlementCsv(index);
    }

    public ParsedLine parse(long lineNo, String text) {
        if (text.length() > LINE_CHARS_MAX) {
            return new Malformed(lineNo, "longer than " + LINE_CHARS_MAX + " characters");
        }
        List<String> fields = split(text);
        if (fields == null) {
            return new Malformed(lineNo, "unbalanced quotes");
        }
        if (fields.size() > FIELDS_MAX) {
            return new Malformed(lineNo, "more than " + FIELDS_MAX + " fields");
        }
        try {
            String requestId = identifier(field(fields, Column.REQUEST_ID), REQUEST_ID_CHARS_MAX, "request_id");
            String messageId = identifier(field(fields, Column.MESSAGE_ID), MESSAGE_ID_CHARS_MAX, "message_id");
            if (requestId == null && messageId == null) {
                return new Malformed(lineNo, "neither request_id nor message_id is given");
            }
            PhoneEvidence phone = PhoneEvidence.parse(field(fields, Column.PHONE));
            long amount = amount(field(fields, Column.AMOUNT_PENCE));
            Instant chargedAt = instant(field(fields, Column.CHARGED_AT));
            ReportLine.Status status = status(field(fields, Column.STATUS));
            return new Parsed(new ReportLine(lineNo, requestId, messageId, phone, amount, chargedAt, status));
        } catch (IllegalArgumentException e) {
            return new Malformed(lineNo, e.getMessage());
        }
    }

    private String field(List<String> fields, Column column) {
        Integer at = index.get(column);
        if (at == null) {
            return null;
        }
        if (at >= fields.size()) {
            throw new IllegalArgumentException("has " + fields.size() + " fields; " + column.name().toLowerCase(Locale.ROOT) + " is field " + (at + 1));
        }
        return fields.get(at);
    }

    private static String identifier(String value, int charsMax, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String id = value.strip();
        if (id.length() > charsMax) {
            throw new IllegalArgumentException(name + " is longer than " + charsMax + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(name + " holds a character other than printable ASCII");
            }
        }
        return id;
    }

    private static long amount(String value) {
        String digits = value == null ? "" : value.strip();
        if (digits.isEmpty() || digits.length() > AMOUNT_DIGITS_MAX || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("amount_pence must be a whole number of pence");
        }
        long pence = Long.parseLong(digits);
        if (pence <= 0 || pence > AMOUNT_PENCE_MAX) {
            throw new IllegalArgumentException("amount_pence must be 1-" + AMOUNT_PENCE_MAX + ", got " + pence);
        }
        return pence;
    }

    /** ISO-8601 with Z or an offset; without one, the time is UK local time (as UK reports print it). */
    static Instant instant(String value) {
        String text = value == null ? "" : value.strip();
        Instant fast = utcSeconds(text);
        if (fast != null) {
            return fast;
        }
        if (text.isEmpty() || text.length() > TIME_CHARS_MAX) {
            throw new IllegalArgumentException("charged_at must be an ISO-8601 time");
        }
        try {
            char last = text.charAt(text.length() - 1);
            boolean hasZone = last == 'Z' || last == 'z' || text.lastIndexOf('+') > 10 || text.lastIndexOf('-') > 10;
            String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
            return hasZone ? OffsetDateTime.parse(iso.toUpperCase(Locale.ROOT)).toInstant() : LocalDateTime.parse(iso).atZone(UkCalendar.LONDON).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("charged_at must be an ISO-8601 time such as 2026-03-05T10:15:00Z");
        }
    }

    /**
     * The common form "2026-03-05T10:15:00Z", read without the general parser (a million lines
     * spend most of their parsing time in it); null for any other form.
     */
    private static Instant utcSeconds(String text) {
        if (text.length() != 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':' || text.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null; // e.g. 31 February: the general parser reports it
        }
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static ReportLine.Status status(String value) {
        String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "charged" -> ReportLine.Status.CHARGED;
            case "refunded" -> ReportLine.Status.REFUNDED;
            default -> throw new IllegalArgumentException("status must be charged or refunded");
        };
    }

    /** RFC 4180 fields of one line (no line breaks inside quotes); null when the quotes do not balance. */
    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && !wasQuoted && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else if (c != '\r' || i != line.length() - 1) {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }
}
