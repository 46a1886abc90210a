package org.appealdesk.platform;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;

/**
 * One request registered with {@link AwaitedAnswers} and not yet ended: jSMPP's reader calls
 * {@code done} (or {@code doneWithInvalidResponse}) on it, and a subclass turns that into an
 * outcome of type {@code T} for {@link #end}; the owner's timeout sweep or a failed write
 * {@link #withdraw}s it. It ends exactly once ({@link #ended}), on the thread that learnt how,
 * which must not block there.
 */
public abstract class AwaitedAnswer<T> extends PendingResponse<Command> {

    private final long deadlineNanos;
    private final AtomicBoolean over = new AtomicBoolean();
    private AwaitedAnswers registry;
    private int sequenceNumber;

    protected AwaitedAnswer(long deadlineNanos) {
        super(0);
        this.deadlineNanos = deadlineNanos;
    }

    /** What became of the request, called once; runs on the reader, the sweep or the writer, so it must not block. */
    protected abstract void ended(T outcome);

    /** Registers with a session's answers; returns the sequence number its PDU must carry. */
    public int registerWith(AwaitedAnswers answers) {
        registry = answers;
        sequenceNumber = answers.register(this);
        return sequenceNumber;
    }

    @Override
    public final void waitDone() {
        throw new UnsupportedOperationException("nothing waits for an awaited answer");
    }

    public boolean isOver() {
        return over.get();
    }

    public boolean isOverdue(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /**
     * Ends it with {@code instead} unless it has ended already. It leaves the session's map first,
     * so a late answer finds nothing. It ends even when it is no longer in the map: jSMPP takes an
     * entry out before it decodes the response, and a response it cannot decode (a message_id
     * over 65 characters, say) is never handed over, so only this ends such a request.
     */
    public void withdraw(T instead) {
        registry.forget(sequenceNumber, this);
        end(instead);
    }

    /** Hands {@code outcome} on, the first time only. */
    protected final void end(T outcome) {
        if (over.compareAndSet(false, true)) {
            ended(outcome);
        }
    }

    /**
     * Takes from the head of {@code inOrder} (registered in send order, one timeout for all, so in
     * deadline order) every entry that has ended or is overdue, and hands the overdue ones to
     * {@code expire}, which must end them. Holds the queue's monitor, so two sweeps of one queue
     * (a scheduled one and a closing one) never take each other's entries unexamined.
     */
    public static <A extends AwaitedAnswer<?>> void expireOverdue(Queue<A> inOrder, Consumer<A> expire) {
        long now = System.nanoTime();
        synchronized (inOrder) {
            A head;
            while ((head = inOrder.peek()) != null && (head.isOver() || head.isOverdue(now))) {
                inOrder.poll();
                if (!head.isOver()) {
                    expire.accept(head);
                }
            }
        }
    }
}
