package org.appealdesk.sms.smpp;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.appealdesk.sms.smpp.SubmitOutcome.NoAnswer;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;

/**
 * One submit_sm registered with its session and not yet ended. jSMPP's reader calls {@link #done}
 * with the submit_sm_resp, or {@link #doneWithInvalidResponse} for a generic_nack; the bind's
 * timeout sweep calls {@link #expire}. The outcome is handed on exactly once, on the thread that
 * learnt it (the reader, the sweep, or the sender when nothing was written), so it must not block.
 */
final class InFlightSubmit extends PendingResponse<Command> {

    private final Function<Command, SubmitOutcome> answered;
    private final Function<InvalidResponseException, SubmitOutcome> invalid;
    private final Consumer<SubmitOutcome> outcome;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final long deadlineNanos;
    private SubmittingSession session;
    private int sequenceNumber;

    InFlightSubmit(long deadlineNanos, Function<Command, SubmitOutcome> answered,
                   Function<InvalidResponseException, SubmitOutcome> invalid, Consumer<SubmitOutcome> outcome) {
        super(0);
        this.deadlineNanos = deadlineNanos;
        this.answered = answered;
        this.invalid = invalid;
        this.outcome = outcome;
    }

    /** Registers with {@code on}; returns the sequence number its PDU must carry. */
    int registerWith(SubmittingSession on) {
        session = on;
        sequenceNumber = on.register(this);
        return sequenceNumber;
    }

    @Override
    public void done(Command response) {
        end(answered.apply(response));
    }

    @Override
    public void doneWithInvalidResponse(InvalidResponseException e) {
        end(invalid.apply(e));
    }

    @Override
    public void waitDone() {
        throw new UnsupportedOperationException("nothing waits for an in-flight submit");
    }

    boolean isEnded() {
        return ended.get();
    }

    boolean isOverdue(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /** Ends it with {@code instead} unless its answer came first: it leaves the session's map before it ends, so a late answer finds nothing. */
    void withdraw(SubmitOutcome instead) {
        if (session.forget(sequenceNumber, this)) {
            end(instead);
        }
    }

    /** No answer within the response timeout: it may have reached the SMSC, so it is never sent again. */
    void expire(long responseTimeoutMs) {
        withdraw(new NoAnswer("no submit_sm_resp within responseTimeoutMs " + responseTimeoutMs + " ms"));
    }

    private void end(SubmitOutcome result) {
        if (ended.compareAndSet(false, true)) {
            outcome.accept(result);
        }
    }
}
