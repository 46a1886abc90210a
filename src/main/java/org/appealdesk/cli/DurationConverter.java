package org.appealdesk.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** "30s", "5m", "1h" or "90" (seconds), as people type them. */
final class DurationConverter implements ITypeConverter<Duration> {

    /** Longest run the command line accepts. */
    static final Duration LONGEST = Duration.ofDays(1);

    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (!text.matches("\\d{1,6}(ms|s|m|h)?")) {
            throw new IllegalArgumentException("'" + value + "' is not a duration: use e.g. 30s, 5m or 1h");
        }
        long number = Long.parseLong(text.replaceAll("[a-z]", ""));
        Duration duration = text.endsWith("ms") ? Duration.ofMillis(number)
                : text.endsWith("m") ? Duration.ofMinutes(number)
                : text.endsWith("h") ? Duration.ofHours(number)
                : Duration.ofSeconds(number);
        if (duration.isZero() || duration.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("duration must be above 0 and at most 24h, got " + value);
        }
        return duration;
    }
}
