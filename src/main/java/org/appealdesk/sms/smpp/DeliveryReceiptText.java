package org.appealdesk.sms.smpp;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a delivery receipt's {@code short_message} in SMPP 3.4 Appendix B form:
 * {@code id:IIIIIIIIII sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:...}.
 *
 * <p>Appendix B is informative, and SMSCs write it loosely: keys in any case ("Id:", "STAT:"),
 * "submit_date" or "submitdate", spaces around the colon, fields missing or in another order, no
 * {@code text:} at all, trailing NULs. The parser therefore looks for the known keys anywhere and
 * takes each value up to the next key, so an unknown extra field never shifts the others.
 * Everything after {@code text:} is the text (it quotes the message, which may itself contain
 * "stat:"), so keys are only looked for before it. It never throws: a field it cannot find is
 * null, and deciding what a receipt without an id or a state means is the caller's business.
 *
 * <p>jSMPP's own {@code DeliveryReceipt} is not used: it throws on the variants above.
 *
 * @param id    the message id as written (hex or decimal, see {@link ReceiptIdFormat})
 * @param stat  the state word upper-cased (DELIVRD, UNDELIV, ...), see {@link ReceiptState#fromStat}
 * @param err   the error code as written ("000", "1", "0x1A")
 */
record DeliveryReceiptText(String id, String submitted, String delivered, String submitDate, String doneDate,
                           String stat, String err, String text) {

    /** Longest receipt text read; Appendix B receipts are about 100 characters. */
    static final int LENGTH_MAX = 1_000;

    static final DeliveryReceiptText EMPTY = new DeliveryReceiptText(null, null, null, null, null, null, null, null);

    private static final Pattern KEY = Pattern.compile(
            "(?<![A-Za-z0-9_])(id|sub|dlvrd|submit[ _]{0,3}date|done[ _]{0,3}date|stat|err|text)[ \\t]*:",
            Pattern.CASE_INSENSITIVE);

    static DeliveryReceiptText parse(String receipt) {
        if (receipt == null || receipt.isEmpty()) {
            return EMPTY;
        }
        String body = receipt.length() > LENGTH_MAX ? receipt.substring(0, LENGTH_MAX) : receipt;
        body = body.replace('\0', ' ');
        String[] values = new String[Field.values().length];
        Matcher matcher = KEY.matcher(body);
        Field field = null;
        int valueStart = -1;
        while (matcher.find()) {
            if (field != null) {
                keepFirst(values, field, body.substring(valueStart, matcher.start()));
            }
            field = Field.of(matcher.group(1));
            valueStart = matcher.end();
            if (field == Field.TEXT) {
                break;
            }
        }
        if (field != null) {
            keepFirst(values, field, body.substring(valueStart));
        }
        return new DeliveryReceiptText(
                firstToken(values[Field.ID.ordinal()]),
                firstToken(values[Field.SUB.ordinal()]),
                firstToken(values[Field.DLVRD.ordinal()]),
                withoutSpaces(values[Field.SUBMIT_DATE.ordinal()]),
                withoutSpaces(values[Field.DONE_DATE.ordinal()]),
                upperCase(firstToken(values[Field.STAT.ordinal()])),
                firstToken(values[Field.ERR.ordinal()]),
                blankToNull(values[Field.TEXT.ordinal()]));
    }

    private enum Field {
        ID, SUB, DLVRD, SUBMIT_DATE, DONE_DATE, STAT, ERR, TEXT;

        static Field of(String key) {
            String lower = key.toLowerCase(Locale.ROOT);
            if (lower.startsWith("submit")) {
                return SUBMIT_DATE;
            }
            if (lower.startsWith("done")) {
                return DONE_DATE;
            }
            return valueOf(lower.toUpperCase(Locale.ROOT));
        }
    }

    /** A receipt that repeats a key keeps its first value: the later one is likely quoted text. */
    private static void keepFirst(String[] values, Field field, String value) {
        if (values[field.ordinal()] == null) {
            values[field.ordinal()] = value;
        }
    }

    private static String firstToken(String value) {
        String stripped = blankToNull(value);
        if (stripped == null) {
            return null;
        }
        int end = 0;
        while (end < stripped.length() && !Character.isWhitespace(stripped.charAt(end))) {
            end++;
        }
        return stripped.substring(0, end);
    }

    private static String withoutSpaces(String value) {
        String stripped = blankToNull(value);
        return stripped == null ? null : stripped.replaceAll("\\s+", "");
    }

    private static String upperCase(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }

    private static String blankToNull(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
