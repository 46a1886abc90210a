package org.appealdesk.sms.smpp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receipt {@code err:} codes of one aggregator, each mapped to a Fonix-style reason and whether
 * retrying can help (docs/SMPP.md, "Receipts"). Codes are compared as numbers where they are numbers,
 * so "1", "01" and "001" are the same code; a code not in the map, or no code at all, is
 * {@link #OTHER}: UNKNOWN_ERROR and permanent unless the map says otherwise under the key "other".
 *
 * <p>JSON: an object of code to {@code {"reason": "...", "permanent": true}}. Codes given in
 * configuration replace the default for that code; codes not given keep the SMPP.md default
 * ({@link #withOverrides}).
 */
public record ErrorCodeMap(Map<String, DeclineReason> byCode) {

    /** The key whose reason applies to every code not in the map. */
    public static final String OTHER = "other";
    public static final int CODES_MAX = 1_000;
    static final int CODE_LENGTH_MAX = 16;

    /** Why a charge was declined, and whether a retry can ever succeed. */
    public record DeclineReason(String reason, boolean permanent) {
        public DeclineReason {
            if (reason == null || !reason.matches("[A-Z][A-Z0-9_]{0,63}")) {
                throw new IllegalArgumentException("smsc.errorCodes reason must be an upper-case status name such as INSUFFICIENT_FUNDS, got '" + reason + "'");
            }
        }
    }

    public ErrorCodeMap {
        if (byCode == null || byCode.size() > CODES_MAX) {
            throw new IllegalArgumentException("smsc.errorCodes must hold at most " + CODES_MAX + " codes, got "
                    + (byCode == null ? "none" : byCode.size()));
        }
        Map<String, DeclineReason> normalised = new TreeMap<>();
        byCode.forEach((code, reason) -> {
            String key = normaliseCode(code);
            if (key == null) {
                throw new IllegalArgumentException("smsc.errorCodes code must be 1-" + CODE_LENGTH_MAX + " letters or digits, got '" + code + "'");
            }
            if (reason == null) {
                throw new IllegalArgumentException("smsc.errorCodes code " + code + " has no reason");
            }
            normalised.put(key, reason);
        });
        byCode = Map.copyOf(normalised);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ErrorCodeMap fromJson(Map<String, DeclineReason> overrides) {
        return defaults().withOverrides(overrides);
    }

    @JsonValue
    Map<String, DeclineReason> json() {
        return byCode;
    }

    /** The default map of docs/SMPP.md. */
    public static ErrorCodeMap defaults() {
        Map<String, DeclineReason> codes = new LinkedHashMap<>();
        codes.put("001", new DeclineReason("INSUFFICIENT_FUNDS", false));
        codes.put("002", new DeclineReason("INVALID_MSISDN", true));
        codes.put("003", new DeclineReason("PERMANENTLY_BARRED", true));
        codes.put("004", new DeclineReason("TEMPORARY_BARRED", false));
        codes.put("005", new DeclineReason("MAX_SPEND_MSISDN", false));
        codes.put("006", new DeclineReason("OPERATOR_REJECTED", true));
        codes.put("007", new DeclineReason("OPERATOR_TIMEOUT", false));
        codes.put("008", new DeclineReason("SECTOR_NOT_ALLOWED", true));
        codes.put("009", new DeclineReason("UNKNOWN_MSISDN", true));
        codes.put("010", new DeclineReason("UNREACHABLE_MSISDN", false));
        codes.put(OTHER, new DeclineReason("UNKNOWN_ERROR", true));
        return new ErrorCodeMap(codes);
    }

    /** This map with {@code overrides} replacing or adding codes. */
    public ErrorCodeMap withOverrides(Map<String, DeclineReason> overrides) {
        if (overrides == null) {
            return this;
        }
        Map<String, DeclineReason> merged = new LinkedHashMap<>(byCode);
        overrides.forEach((code, reason) -> {
            String key = normaliseCode(code);
            // An invalid code is reported by the constructor, with its spelling.
            merged.put(key == null ? String.valueOf(code) : key, reason);
        });
        return new ErrorCodeMap(merged);
    }

    /** The reason for receipt error code {@code err} (null or blank when the receipt had none). */
    public DeclineReason lookup(String err) {
        String key = normaliseCode(err);
        DeclineReason reason = key == null ? null : byCode.get(key);
        if (reason == null) {
            reason = byCode.get(OTHER);
        }
        return reason != null ? reason : new DeclineReason("UNKNOWN_ERROR", true);
    }

    /** "1", "01", "001" → "001"; other codes upper-cased; null when not a code at all. */
    static String normaliseCode(String code) {
        if (code == null) {
            return null;
        }
        String trimmed = code.strip();
        if (trimmed.isEmpty() || trimmed.length() > CODE_LENGTH_MAX || !trimmed.matches("[A-Za-z0-9_]+")) {
            return null;
        }
        if (trimmed.equalsIgnoreCase(OTHER)) {
            return OTHER;
        }
        if (trimmed.matches("[0-9]+")) {
            String digits = trimmed.replaceFirst("^0+(?=.)", "");
            return digits.length() >= 3 ? digits : "0".repeat(3 - digits.length()) + digits;
        }
        return trimmed.toUpperCase(java.util.Locale.ROOT);
    }
}
