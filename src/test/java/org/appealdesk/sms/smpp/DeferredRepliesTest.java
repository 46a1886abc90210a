package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jsmpp.SMPPConstant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeferredRepliesTest {

    private static final long DEADLINE_MS = 300;

    private final DeferredReplies replies = new DeferredReplies(DEADLINE_MS);
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        DeferredReplies.forget();
        replies.close();
    }

    @Test
    void theAnswerIsWrittenOnlyWhenTheLeftStatusCompletes() throws Exception {
        // Proves a left answer is taken over from jSMPP's ESME_ROK, nothing is written until the commit, then one deliver_sm_resp with its status.
        CompletableFuture<Integer> status = new CompletableFuture<>();
        DeferredReplies.leave(7, status);

        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_ROK, 7)).isTrue();
        Thread.sleep(200);
        assertThat(written()).as("nothing before the commit").isEmpty();

        status.complete(SMPPConstant.STAT_ESME_RX_T_APPN);
        ByteBuffer pdu = ByteBuffer.wrap(awaitBytes(17));
        assertThat(pdu.getInt()).as("command_length").isEqualTo(17);
        assertThat(pdu.getInt()).as("command_id").isEqualTo(SMPPConstant.CID_DELIVER_SM_RESP);
        assertThat(pdu.getInt()).as("command_status").isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN);
        assertThat(pdu.getInt()).as("sequence_number").isEqualTo(7);
    }

    @Test
    void aFailedStatusIsAnsweredAsATemporaryError() throws Exception {
        // Proves a left status that fails (a bug on the way) still answers ESME_RX_T_APPN, never ESME_ROK.
        DeferredReplies.leave(8, CompletableFuture.failedFuture(new IllegalStateException("boom")));

        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_ROK, 8)).isTrue();
        ByteBuffer pdu = ByteBuffer.wrap(awaitBytes(17));
        assertThat(pdu.getInt(8)).isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN);
    }

    @Test
    void withoutAHandOverTheSenderAnswersAtOnce() {
        // Proves an answer the listener decided itself (ignored PDU, permanent refusal) is left to jSMPP's sender.
        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_ROK, 9)).isFalse();

        DeferredReplies.leave(10, new CompletableFuture<>());
        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_RX_P_APPN, 10)).as("a refusal is written now").isFalse();
        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_ROK, 10)).as("the hand-over was used once").isFalse();
    }

    @Test
    void aHandOverForAnotherSequenceNumberAnswersNeither() throws Exception {
        // Proves a mismatch (jSMPP answering on another thread) never sends an early ESME_ROK: both texts stay unanswered.
        DeferredReplies.leave(11, CompletableFuture.completedFuture(SMPPConstant.STAT_ESME_ROK));

        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_ROK, 12)).isTrue();
        Thread.sleep(200);
        assertThat(written()).isEmpty();
    }

    @Test
    void aCommitNotDoneByItsDeadlineFailsWithATimeoutAndADoneOneIsLeftAlone() throws Exception {
        // Proves the deadline queue: an unfinished commit fails with TimeoutException soon after its deadline; a finished one keeps its result.
        long started = System.nanoTime();
        CompletableFuture<String> late = replies.withDeadline(new CompletableFuture<>());
        CompletableFuture<String> done = replies.withDeadline(new CompletableFuture<>());
        done.complete("committed");
        Thread.sleep(DEADLINE_MS / 3);
        assertThat(late).as("still waiting before its deadline").isNotDone();

        assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        assertThat(System.nanoTime() - started).as("not before its deadline").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS));
        assertThat(done.get()).isEqualTo("committed");
    }

    @Test
    void aSessionWhosePeerStopsReadingHoldsUpOnlyItsOwnAnswers() throws Exception {
        // Proves one session's blocked write does not stop another session's answers or the deadline checks.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.io.OutputStream stuck = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                awaitRelease();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                awaitRelease();
            }

            private void awaitRelease() {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        DeferredReplies.leave(1, CompletableFuture.completedFuture(SMPPConstant.STAT_ESME_ROK));
        assertThat(replies.takeOver(stuck, SMPPConstant.STAT_ESME_ROK, 1)).isTrue();
        Thread.sleep(100);

        DeferredReplies.leave(2, CompletableFuture.completedFuture(SMPPConstant.STAT_ESME_ROK));
        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_ROK, 2)).isTrue();
        assertThat(ByteBuffer.wrap(awaitBytes(17)).getInt(12)).as("the other session's answer").isEqualTo(2);
        CompletableFuture<String> late = replies.withDeadline(new CompletableFuture<>());
        assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        release.countDown();
    }

    @Test
    void anAnswerCommittedAfterCloseIsStillWritten() throws Exception {
        // Proves a commit completing after close() still gets its answer on the wire (the session may well still be up).
        CompletableFuture<Integer> status = new CompletableFuture<>();
        DeferredReplies.leave(3, status);
        assertThat(replies.takeOver(wire, SMPPConstant.STAT_ESME_ROK, 3)).isTrue();
        replies.close();

        status.complete(SMPPConstant.STAT_ESME_ROK);
        assertThat(ByteBuffer.wrap(awaitBytes(17)).getInt(12)).isEqualTo(3);
    }

    private byte[] written() {
        synchronized (wire) {
            return wire.toByteArray();
        }
    }

    private byte[] awaitBytes(int length) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (written().length < length && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(written()).hasSize(length);
        return written();
    }
}
