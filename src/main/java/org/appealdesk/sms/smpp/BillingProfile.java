package org.appealdesk.sms.smpp;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.appealdesk.platform.Money;

/**
 * How a billed submit_sm tells the SMSC what to charge (docs/SMPP.md, "Charges"). The aggregator
 * decides which one it speaks; a price the profile does not know is refused before sending, never
 * sent unbilled.
 *
 * <p>JSON: {@code {"mode": "SHORTCODE_PER_PRICE", "shortcodes": {"300": "70903", "500": "70905"}}},
 * {@code {"mode": "SERVICE_TYPE", "serviceTypes": {"500": "P500"}}} or {@code {"mode": "PRICE_TLV"}};
 * map keys are prices in pence.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "mode")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BillingProfile.ShortcodePerPrice.class, name = "SHORTCODE_PER_PRICE"),
    @JsonSubTypes.Type(value = BillingProfile.ServiceTypePerPrice.class, name = "SERVICE_TYPE"),
    @JsonSubTypes.Type(value = BillingProfile.PriceTlv.class, name = "PRICE_TLV")})
public sealed interface BillingProfile {

    /** Prices a profile can name; the legal ceiling per transaction is £40 (DOMAIN.md). */
    long PRICE_PENCE_MAX = 4_000;
    int PRICES_MAX = 100;

    /** {@code source_addr} is the billing shortcode mapped from the price. */
    record ShortcodePerPrice(Map<Long, String> shortcodes) implements BillingProfile {
        public ShortcodePerPrice {
            shortcodes = checkedPrices("smsc.billing.shortcodes", shortcodes, "[0-9]{3,15}", "3-15 digits");
        }

        public Optional<String> shortcodeFor(Money price) {
            return Optional.ofNullable(shortcodes.get(price.pence()));
        }
    }

    /** {@code service_type} is the value mapped from the price; {@code source_addr} the shortcode. */
    record ServiceTypePerPrice(Map<Long, String> serviceTypes) implements BillingProfile {
        public ServiceTypePerPrice {
            // service_type is a C-octet string of at most 6 octets in SMPP 3.4: 5 characters and NUL.
            serviceTypes = checkedPrices("smsc.billing.serviceTypes", serviceTypes, "[A-Za-z0-9_-]{1,5}", "1-5 letters or digits");
        }

        public Optional<String> serviceTypeFor(Money price) {
            return Optional.ofNullable(serviceTypes.get(price.pence()));
        }
    }

    /** {@code source_addr} is the shortcode; the {@code priceTag} TLV carries the pence as ASCII decimal. */
    record PriceTlv() implements BillingProfile {
    }

    private static Map<Long, String> checkedPrices(String name, Map<Long, String> byPrice, String valuePattern, String valueRule) {
        if (byPrice == null || byPrice.isEmpty() || byPrice.size() > PRICES_MAX) {
            throw new IllegalArgumentException(name + " must map 1-" + PRICES_MAX + " prices in pence, got "
                    + (byPrice == null ? "none" : byPrice.size()));
        }
        Map<Long, String> sorted = new TreeMap<>();
        byPrice.forEach((pence, value) -> {
            if (pence == null || pence < 1 || pence > PRICE_PENCE_MAX) {
                throw new IllegalArgumentException(name + " prices must be 1-" + PRICE_PENCE_MAX + " pence, got " + pence);
            }
            if (value == null || !value.matches(valuePattern)) {
                throw new IllegalArgumentException(name + " value for " + pence + " pence must be " + valueRule + ", got '" + value + "'");
            }
            sorted.put(pence, value);
        });
        return Map.copyOf(sorted);
    }
}
