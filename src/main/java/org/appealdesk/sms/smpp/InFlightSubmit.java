package org.appealdesk.sms.smpp;

import java.util.function.Consumer;
import java.util.function.Function;
import org.appealdesk.platform.AwaitedAnswer;
import org.appealdesk.sms.smpp.SubmitOutcome.NoAnswer;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.bean.Command;

/**
 * One submit_sm registered with its session and not yet ended ({@link AwaitedAnswer}): the
 * submit_sm_resp or generic_nack becomes its {@link SubmitOutcome}, and no answer within the
 * response timeout becomes NoAnswer.
 */
final class InFlightSubmit extends AwaitedAnswer<SubmitOutcome> {

    private final Function<Command, SubmitOutcome> answered;
    private final Function<InvalidResponseException, SubmitOutcome> invalid;
    private final Consumer<SubmitOutcome> outcome;

    InFlightSubmit(long deadlineNanos, Function<Command, SubmitOutcome> answered,
                   Function<InvalidResponseException, SubmitOutcome> invalid, Consumer<SubmitOutcome> outcome) {
        super(deadlineNanos);
        this.answered = answered;
        this.invalid = invalid;
        this.outcome = outcome;
    }

    @Override
    protected void ended(SubmitOutcome result) {
        outcome.accept(result);
    }

    @Override
    public void done(Command response) {
        end(answered.apply(response));
    }

    @Override
    public void doneWithInvalidResponse(InvalidResponseException e) {
        end(invalid.apply(e));
    }

    /** No answer within the response timeout: it may have reached the SMSC, so it is never sent again. */
    void expire(long responseTimeoutMs) {
        withdraw(new NoAnswer("no submit_sm_resp within responseTimeoutMs " + responseTimeoutMs + " ms"));
    }
}
