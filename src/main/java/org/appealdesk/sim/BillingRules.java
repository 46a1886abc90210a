package org.appealdesk.sim;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the simulated SMSC recognises a billed submit_sm and its price, covering all three billing
 * profiles of docs/SMPP.md at once so that one simulator serves whichever profile the ESME uses:
 * the price TLV ({@code SimSettings.priceTag}), a {@code service_type} mapped to a price, or a
 * {@code source_addr} that is a billing shortcode mapped to a price.
 *
 * <p>An empty map disables that signal. When two signals name different prices the submit is
 * refused (an ESME bug is better found than guessed around). Hazard: with shortcode-per-price
 * billing, a free message sent from a billing shortcode looks billed; if an appeal's donors text a
 * billing shortcode itself ("WATER to 70905"), clear {@code penceByBillingShortcode}.
 */
public record BillingRules(Map<String, Long> penceByBillingShortcode, Map<String, Long> penceByServiceType) {

    /** Keeps a misconfiguration from building a map that hides a typo among thousands of keys. */
    static final int ENTRIES_MAX = 100;

    public BillingRules {
        penceByBillingShortcode = checked("penceByBillingShortcode", penceByBillingShortcode);
        penceByServiceType = checked("penceByServiceType", penceByServiceType);
    }

    /** 70903 = £3, 70905 = £5, 70910 = £10, 70920 = £20; service types P300, P500, P1000, P2000. */
    public static BillingRules defaults() {
        return new BillingRules(
                Map.of("70903", 300L, "70905", 500L, "70910", 1000L, "70920", 2000L),
                Map.of("P300", 300L, "P500", 500L, "P1000", 1000L, "P2000", 2000L));
    }

    /** Only the price TLV signals billing. */
    public static BillingRules priceTlvOnly() {
        return new BillingRules(Map.of(), Map.of());
    }

    private static Map<String, Long> checked(String name, Map<String, Long> map) {
        if (map == null) {
            throw new IllegalArgumentException(name + " is required (empty to disable)");
        }
        if (map.size() > ENTRIES_MAX) {
            throw new IllegalArgumentException(name + " has " + map.size() + " entries, at most " + ENTRIES_MAX);
        }
        TreeMap<String, Long> copy = new TreeMap<>();
        map.forEach((key, pence) -> {
            if (key == null || key.isBlank() || pence == null || pence <= 0 || pence > SimSettings.PRICE_PENCE_MAX) {
                throw new IllegalArgumentException(name + " entry " + key + " -> " + pence + " must be a name and 1-" + SimSettings.PRICE_PENCE_MAX + " pence");
            }
            copy.put(key, pence);
        });
        return Collections.unmodifiableMap(copy);
    }
}
