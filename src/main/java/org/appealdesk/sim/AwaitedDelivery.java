package org.appealdesk.sim;

import java.util.function.BiConsumer;
import org.appealdesk.platform.AwaitedAnswer;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.bean.Command;

/**
 * One deliver_sm registered with its session and not yet ended ({@link AwaitedAnswer}): acknowledged,
 * refused (an error status or a generic_nack), unanswered in time, never written, or never composed.
 */
final class AwaitedDelivery extends AwaitedAnswer<AwaitedDelivery.End> {

    /** How a delivery ended; UNENCODABLE: jSMPP would not compose it, so it was never written. */
    enum End { ACKED, REFUSED, TIMED_OUT, NOT_WRITTEN, UNENCODABLE }

    private final SessionPool.Bound bound;
    private final Delivery delivery;
    private final long startedNanos;
    private final BiConsumer<AwaitedDelivery, End> ended;
    private volatile int commandStatus;

    AwaitedDelivery(SessionPool.Bound bound, Delivery delivery, long startedNanos, long timeoutNanos,
                    BiConsumer<AwaitedDelivery, End> ended) {
        super(startedNanos + timeoutNanos);
        this.bound = bound;
        this.delivery = delivery;
        this.startedNanos = startedNanos;
        this.ended = ended;
    }

    @Override
    protected void ended(End how) {
        ended.accept(this, how);
    }

    SessionPool.Bound bound() {
        return bound;
    }

    Delivery delivery() {
        return delivery;
    }

    long startedNanos() {
        return startedNanos;
    }

    /** The refusal's command_status, once ended REFUSED (0 for a generic_nack). */
    int commandStatus() {
        return commandStatus;
    }

    @Override
    public void done(Command response) {
        commandStatus = response.getCommandStatus();
        end(commandStatus == 0 ? End.ACKED : End.REFUSED);
    }

    @Override
    public void doneWithInvalidResponse(InvalidResponseException e) {
        end(End.REFUSED);
    }
}
