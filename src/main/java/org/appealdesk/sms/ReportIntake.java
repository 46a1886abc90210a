package org.appealdesk.sms;

import java.util.concurrent.CompletableFuture;

/**
 * Where adapters hand delivery and charge reports. Like {@link TextIntake}, the future completes
 * once the report is committed; the adapter acknowledges only then. Duplicate and late reports,
 * and reports that arrive before the network's acceptance of the message was recorded, are all
 * taken calmly: a report is stored once by its network message id and applied exactly once.
 */
public interface ReportIntake {
    CompletableFuture<Void> submit(ChargeReport report);
}
