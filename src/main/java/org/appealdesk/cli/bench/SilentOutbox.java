package org.appealdesk.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.appealdesk.sms.OutboundMessage;
import org.appealdesk.sms.Outbox;

/**
 * An outbox that never hands out a message, for {@link BenchMode#INTAKE}: the gateway binds and
 * takes texts as usual, the intake still writes every charge and reply to the real outbox table in
 * the same transaction as the text, but nothing is ever claimed or sent. Since nothing is claimed,
 * nothing is ever reported back either.
 */
final class SilentOutbox implements Outbox {

    @Override
    public List<OutboundMessage> claim(int countMax) {
        return List.of();
    }

    @Override
    public CompletableFuture<Void> accepted(long outboxId, String networkMessageId) {
        throw new IllegalStateException("the silent outbox handed out nothing, yet message " + outboxId + " was reported accepted");
    }

    @Override
    public CompletableFuture<Void> refused(long outboxId, String errorCode, boolean permanent) {
        throw new IllegalStateException("the silent outbox handed out nothing, yet message " + outboxId + " was reported refused");
    }

    @Override
    public CompletableFuture<Void> noAnswer(long outboxId) {
        throw new IllegalStateException("the silent outbox handed out nothing, yet message " + outboxId + " was reported unanswered");
    }

    @Override
    public CompletableFuture<Void> retryLater(long outboxId, Duration delay) {
        throw new IllegalStateException("the silent outbox handed out nothing, yet message " + outboxId + " was put back");
    }
}
