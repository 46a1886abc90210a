package org.appealdesk.platform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;
import org.jsmpp.util.Sequence;

/**
 * Requests a jSMPP session sent without a thread waiting for each answer: the platform's submits
 * and the simulator's deliver_sm.
 *
 * <p>Why: jSMPP's blocking calls ({@code submitShortMessage}, {@code deliverShortMessage}) write
 * one PDU and park the caller on a timed condition until the reader signals the answer. That is a
 * thread, a timed park (the JDK's delay scheduler) and a wake-up per PDU, twice a gift on each
 * side of the link (BENCHMARKS.md, "Submits without a thread each").
 *
 * <p>How: jSMPP's reader finds the waiter of every response through the session's protected
 * {@code removePendingResponse}. A session subclass overrides it to ask {@link #takeOr} first; what
 * is registered here is an {@link AwaitedAnswer}, whose {@code done} hands the outcome on, on the
 * reader. Numbers come from the session's own sequence, so they never collide with jSMPP's own
 * requests (bind, enquire_link, unbind), which still wait in jSMPP's map. A request ends once:
 * with its answer, or, if none was handed over within its timeout, through the owner's sweep
 * ({@link AwaitedAnswer#withdraw}), whichever comes first. If a jSMPP upgrade stopped calling
 * the hook, every request would end at its timeout, never with a wrong answer;
 * {@code SmppGatewayTest} fails first. Thread-safe.
 */
public final class AwaitedAnswers {

    private final Sequence sequence;
    private final Map<Integer, PendingResponse<Command>> awaited = new ConcurrentHashMap<>();

    /** @param sequence the session's own sequence ({@code AbstractSession.sequence()}) */
    public AwaitedAnswers(Sequence sequence) {
        this.sequence = sequence;
    }

    /** Takes the next sequence number for {@code answer} and waits for the response under it; write the PDU after this. */
    int register(AwaitedAnswer<?> answer) {
        int sequenceNumber = sequence.nextValue();
        awaited.put(sequenceNumber, answer);
        return sequenceNumber;
    }

    /**
     * For the session's {@code removePendingResponse}: the awaited answer under that number,
     * removed, or else what jSMPP's own map holds ({@code jsmpps}, the overridden method).
     */
    public PendingResponse<Command> takeOr(int sequenceNumber, IntFunction<PendingResponse<Command>> jsmpps) {
        PendingResponse<Command> answer = awaited.remove(sequenceNumber);
        return answer != null ? answer : jsmpps.apply(sequenceNumber);
    }

    /** Stops waiting for {@code answer}; false when its response (or another caller) took it first. */
    boolean forget(int sequenceNumber, AwaitedAnswer<?> answer) {
        return awaited.remove(sequenceNumber, answer);
    }

    /** Requests waiting for an answer. */
    public int size() {
        return awaited.size();
    }
}
