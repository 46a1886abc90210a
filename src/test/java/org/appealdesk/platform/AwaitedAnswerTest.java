package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jsmpp.bean.Command;
import org.jsmpp.extra.PendingResponse;
import org.jsmpp.util.Sequence;
import org.junit.jupiter.api.Test;

class AwaitedAnswerTest {

    /** A request that records every ending it is given. */
    private static final class Recorded extends AwaitedAnswer<String> {
        final List<String> endings;

        Recorded(long deadlineNanos, List<String> endings) {
            super(deadlineNanos);
            this.endings = endings;
        }

        @Override
        public void done(Command response) {
            end("answered " + response.getSequenceNumber());
        }

        @Override
        protected void ended(String outcome) {
            endings.add(outcome);
        }
    }

    /** Each test's own (JUnit makes a new instance per test). */
    private final AwaitedAnswers answers = new AwaitedAnswers(new Sequence(1));
    private final List<String> endings = new CopyOnWriteArrayList<>();

    private static Command answer(int sequenceNumber) {
        Command response = new Command();
        response.setSequenceNumber(sequenceNumber);
        return response;
    }

    @Test
    void theReaderFindsTheRequestByItsNumberAndItEndsOnceWithItsAnswer() {
        // Proves the hook's contract: takeOr() hands the request to jSMPP's reader, a number not ours falls through to
        // jSMPP's own map, done() ends it, and a sweep after that changes nothing.
        Recorded request = new Recorded(System.nanoTime() - 1, endings);
        int sequenceNumber = request.registerWith(answers);

        PendingResponse<Command> jsmppsOwn = new PendingResponse<>(1_000);
        assertThat(answers.takeOr(sequenceNumber + 1, jsmpps -> jsmpps == sequenceNumber + 1 ? jsmppsOwn : null)).isSameAs(jsmppsOwn);
        PendingResponse<Command> taken = answers.takeOr(sequenceNumber, jsmpps -> null);
        assertThat(taken).isSameAs(request);
        taken.done(answer(sequenceNumber));
        request.withdraw("timed out");

        assertThat(endings).containsExactly("answered " + sequenceNumber);
        assertThat(answers.takeOr(sequenceNumber, jsmpps -> null)).as("gone from the map").isNull();
    }

    @Test
    void aResponseJsmppTookButCouldNotDecodeStillEndsAtItsTimeout() {
        // Proves the case jSMPP leaves open: it removes the entry, fails to decode the response and never calls done();
        // the sweep must still end the request, or its window slot would never come back.
        Recorded request = new Recorded(System.nanoTime() - 1, endings);
        int sequenceNumber = request.registerWith(answers);
        ConcurrentLinkedQueue<Recorded> inOrder = new ConcurrentLinkedQueue<>(List.of(request));

        assertThat(answers.takeOr(sequenceNumber, jsmpps -> null)).isSameAs(request); // jSMPP takes it, then its decoding throws
        AwaitedAnswer.expireOverdue(inOrder, overdue -> overdue.withdraw("timed out"));

        assertThat(endings).containsExactly("timed out");
        assertThat(inOrder).isEmpty();
    }

    @Test
    void aLateAnswerAfterTheTimeoutIsNotASecondEnding() {
        // Proves the other order: the sweep ends it, then the answer comes; the reader finds nothing and nothing ends twice.
        Recorded request = new Recorded(System.nanoTime() - 1, endings);
        int sequenceNumber = request.registerWith(answers);

        request.withdraw("timed out");
        assertThat(answers.takeOr(sequenceNumber, jsmpps -> null)).as("the reader finds nothing").isNull();
        request.done(answer(sequenceNumber)); // even if a stale reference answered it

        assertThat(endings).containsExactly("timed out");
        request.withdraw("timed out again");
        assertThat(endings).as("a second withdraw ends nothing").containsExactly("timed out");
    }

    @Test
    void twoSweepsOfOneQueueEndEveryOverdueRequestExactlyOnce() throws Exception {
        // Proves the sweep is safe for two consumers (the simulator sweeps on a timer and again while closing):
        // 20,000 overdue requests, two threads sweeping at once, each ended once and none skipped.
        ConcurrentLinkedQueue<Recorded> inOrder = new ConcurrentLinkedQueue<>();
        long past = System.nanoTime() - 1;
        for (int i = 0; i < 20_000; i++) {
            Recorded request = new Recorded(past, endings);
            request.registerWith(answers);
            inOrder.add(request);
        }
        CountDownLatch go = new CountDownLatch(1);
        Runnable sweep = () -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            AwaitedAnswer.expireOverdue(inOrder, overdue -> overdue.withdraw("timed out"));
        };
        Thread first = Thread.ofPlatform().start(sweep);
        Thread second = Thread.ofPlatform().start(sweep);
        go.countDown();
        first.join();
        second.join();

        assertThat(endings).hasSize(20_000);
        assertThat(inOrder).isEmpty();
        assertThat(answers.size()).isZero();
    }
}
