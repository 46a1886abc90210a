package org.appealdesk.cli.bench;

import org.HdrHistogram.Histogram;

/** A latency histogram (recorded in microseconds) as the few figures a report needs, in milliseconds. */
record Percentiles(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {

    static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0, 0);

    static Percentiles ofMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return NONE;
        }
        return new Percentiles(micros.getTotalCount(),
                ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()), Math.round(micros.getMean()) / 1_000.0);
    }

    private static double ms(long micros) {
        return micros / 1_000.0;
    }

    @Override
    public String toString() {
        return count == 0 ? "none recorded"
                : String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%d)", p50Ms, p99Ms, p999Ms, maxMs, count);
    }
}
