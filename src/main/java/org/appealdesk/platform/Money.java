package org.appealdesk.platform;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An amount of money in whole pence (GBP). Money is a {@code long} inside this small value type
 * so that arithmetic is exact and cheap; BigDecimal appears only at the edges, when a person's
 * text ("5", "5.00", "£3.50") is parsed or an amount is shown ("£5", "£3.50").
 *
 * <p>Amounts may be negative: ledger postings are signed (debits positive, credits negative).
 */
public record Money(long pence) implements Comparable<Money> {

    public static final Money ZERO = new Money(0);

    public static Money ofPence(long pence) {
        return new Money(pence);
    }

    public static Money ofPounds(long pounds) {
        return new Money(Math.multiplyExact(pounds, 100L));
    }

    /**
     * Parses a pound amount such as "5", "5.5", "5.50" or "£5.00" into pence.
     *
     * @throws IllegalArgumentException for anything else, including more than two decimals
     */
    public static Money parsePounds(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("£")) {
            trimmed = trimmed.substring(1).strip();
        }
        if (trimmed.isEmpty() || trimmed.length() > 15 || !trimmed.matches("-?\\d+(\\.\\d{1,2})?")) {
            throw new IllegalArgumentException("not a pound amount: '" + text + "'");
        }
        return new Money(new BigDecimal(trimmed).movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).longValueExact());
    }

    public Money plus(Money other) {
        return new Money(Math.addExact(pence, other.pence));
    }

    public Money minus(Money other) {
        return new Money(Math.subtractExact(pence, other.pence));
    }

    public Money negate() {
        return new Money(Math.negateExact(pence));
    }

    public Money times(long factor) {
        return new Money(Math.multiplyExact(pence, factor));
    }

    public boolean isPositive() {
        return pence > 0;
    }

    public boolean isNegative() {
        return pence < 0;
    }

    public boolean isGreaterThan(Money other) {
        return pence > other.pence;
    }

    public static Money min(Money a, Money b) {
        return a.pence <= b.pence ? a : b;
    }

    /** "£5", "£3.50", "-£2.05": whole pounds without decimals, as promotions print them. */
    public String format() {
        String sign = pence < 0 ? "-" : "";
        long abs = Math.abs(pence);
        long pounds = abs / 100;
        long rest = abs % 100;
        return rest == 0 ? sign + "£" + pounds : sign + "£" + pounds + "." + (rest < 10 ? "0" : "") + rest;
    }

    /** "5.00" with exactly two decimals and no symbol, for CSV files and JSON-minded readers. */
    public String toDecimalString() {
        return BigDecimal.valueOf(pence, 2).toPlainString();
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(pence, other.pence);
    }

    @Override
    public String toString() {
        return format();
    }
}
