package org.appealdesk.cli;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** "£1,234.50" for the command line's tables: exact pence, always two decimals, thousands grouped. */
final class Pounds {

    private Pounds() {
    }

    static String format(long pence) {
        DecimalFormat format = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.UK));
        String text = format.format(BigDecimal.valueOf(Math.abs(pence), 2));
        return (pence < 0 ? "-£" : "£") + text;
    }
}
