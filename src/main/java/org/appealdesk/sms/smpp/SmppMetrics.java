package org.appealdesk.sms.smpp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** The adapter's meters, created once so that the hot paths only increment. */
final class SmppMetrics {

    enum MoResult { RECORDED, DUPLICATE, COMMIT_FAILED, INVALID_SOURCE }

    enum ReceiptResult { DELIVERED, DECLINED, INTERMEDIATE, UNREADABLE, COMMIT_FAILED }

    enum SubmitResult { ACCEPTED, THROTTLED, REFUSED, NO_ANSWER, NOT_SENT, UNROUTABLE }

    private final Counter moReceived;
    private final Counter moDuplicates;
    private final Map<MoResult, Counter> moResults = new EnumMap<>(MoResult.class);
    private final Map<ReceiptResult, Counter> receipts = new EnumMap<>(ReceiptResult.class);
    private final Map<SubmitResult, Counter> submits = new EnumMap<>(SubmitResult.class);
    private final Counter ignoredDeliverSm;
    private final Counter outboxReportFailures;
    final Timer windowWait;
    final Timer commitWait;
    final Timer submitLatency;

    SmppMetrics(MeterRegistry registry, IntSupplier bindsUp) {
        moReceived = Counter.builder("appealdesk.smpp.mo.received").description("deliver_sm texts received").register(registry);
        moDuplicates = Counter.builder("appealdesk.smpp.mo.duplicates").description("redelivered texts the core already had").register(registry);
        for (MoResult result : MoResult.values()) {
            moResults.put(result, Counter.builder("appealdesk.smpp.mo.results").tag("result", tagValue(result)).register(registry));
        }
        for (ReceiptResult result : ReceiptResult.values()) {
            receipts.put(result, Counter.builder("appealdesk.smpp.receipts").tag("result", tagValue(result)).register(registry));
        }
        for (SubmitResult result : SubmitResult.values()) {
            submits.put(result, Counter.builder("appealdesk.smpp.submits").tag("result", tagValue(result)).register(registry));
        }
        ignoredDeliverSm = Counter.builder("appealdesk.smpp.deliver.ignored")
                .description("deliver_sm neither a text nor a receipt (SME acknowledgements and the like)").register(registry);
        outboxReportFailures = Counter.builder("appealdesk.smpp.outbox.report.failures")
                .description("submit outcomes the outbox failed to record; the janitor finds them").register(registry);
        windowWait = Timer.builder("appealdesk.smpp.window.wait").description("wait for a window slot on a bound session").register(registry);
        commitWait = Timer.builder("appealdesk.smpp.commit.wait").description("wait for an inbound text or receipt to commit").register(registry);
        submitLatency = Timer.builder("appealdesk.smpp.submit.latency").description("submit_sm to its response").register(registry);
        Gauge.builder("appealdesk.smpp.binds.up", bindsUp::getAsInt).description("bound transceiver sessions").register(registry);
    }

    void moReceived() {
        moReceived.increment();
    }

    void mo(MoResult result) {
        moResults.get(result).increment();
        if (result == MoResult.DUPLICATE) {
            moDuplicates.increment();
        }
    }

    void receipt(ReceiptResult result) {
        receipts.get(result).increment();
    }

    void submit(SubmitResult result) {
        submits.get(result).increment();
    }

    void ignoredDeliverSm() {
        ignoredDeliverSm.increment();
    }

    void outboxReportFailed() {
        outboxReportFailures.increment();
    }

    private static String tagValue(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
