package org.appealdesk.sms;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The messages waiting to go out, written in the same transaction as whatever caused them.
 *
 * <p>An adapter claims a batch, sends each message, and reports every one back with exactly one of
 * {@link #accepted}, {@link #refused}, {@link #noAnswer} or {@link #retryLater}. A claimed message
 * that is never reported (the process died) is found later by the janitor: a free message is sent
 * again, a billed one becomes UNKNOWN and is never sent again blindly.
 *
 * <p>A report returns at once; its future completes when the outcome is recorded, or fails, and
 * then the message stays claimed for the janitor. Adapters call reports from the thread that
 * learnt the outcome (an SMPP reader, say), so a report must never block.
 */
public interface Outbox {

    /** Claims up to {@code countMax} messages that are due, oldest first; may return fewer or none. */
    List<OutboundMessage> claim(int countMax);

    /** The network accepted the message and gave it {@code networkMessageId}. */
    CompletableFuture<Void> accepted(long outboxId, String networkMessageId);

    /** The network refused the message outright (a submit error that is not a throttle). */
    CompletableFuture<Void> refused(long outboxId, String errorCode, boolean permanent);

    /** No answer came: a billed message becomes UNKNOWN, never FAILED and never re-sent blindly. */
    CompletableFuture<Void> noAnswer(long outboxId);

    /** The network asked us to slow down before it looked at the message: send again after the delay. */
    CompletableFuture<Void> retryLater(long outboxId, Duration delay);
}
