package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which thread's bytes wait, and for what, in a session's {@link CombinedWrites}, without sockets. */
@Timeout(10)
class CombinedWritesTest {

    private static final byte[] ANSWER_1 = {1, 1};
    private static final byte[] ANSWER_2 = {2, 2};
    private static final byte[] DELIVERY = {3, 3, 3};
    private static final byte[] UNBIND_RESP = {4};

    /** A socket stand-in that records each write it is given. */
    private static class RecordingSocket extends OutputStream {
        final List<byte[]> received = new CopyOnWriteArrayList<>();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            byte[] copy = new byte[length];
            System.arraycopy(bytes, offset, copy, 0, length);
            received.add(copy);
        }
    }

    @Test
    void holdsTheReadersAnswersUntilItIsAboutToReadAgainThenWritesThemOnce() throws Exception {
        // Proves answers made on the reader thread cost no write until its next read, then one write in order.
        RecordingSocket socket = new RecordingSocket();
        CombinedWrites writes = readerHolding(socket, ANSWER_1, ANSWER_2);
        assertThat(socket.received).isEmpty();
        writes.beforeRead();
        assertThat(socket.received).containsExactly(bytes(ANSWER_1, ANSWER_2));
        assertThat(writes.socketWrites()).isOne();
    }

    @Test
    void holdsDeliveriesMadeDueTogetherUntilTheirThreadSendsThemInOneWrite() throws Exception {
        // Proves held deliveries cost no write until sendHeld, then one write, in the order held, with an answer held before them.
        RecordingSocket socket = new RecordingSocket();
        CombinedWrites writes = readerHolding(socket, ANSWER_1);
        writes.hold(DELIVERY);
        writes.hold(ANSWER_2);
        assertThat(socket.received).isEmpty();
        writes.sendHeld();
        assertThat(socket.received).containsExactly(bytes(ANSWER_1, DELIVERY, ANSWER_2));
        writes.sendHeld();
        assertThat(writes.socketWrites()).as("nothing held, nothing written").isOne();
    }

    @Test
    void writesAnAnswerMadeOffTheReaderThreadAtOnce() throws Exception {
        // Proves an answer from a thread that does not read the socket (jSMPP's PDU threads) is not held.
        RecordingSocket socket = new RecordingSocket();
        CombinedWrites writes = new CombinedWrites(socket);
        writes.beforeRead();
        assertThat(onAnotherThread(() -> writes.answer(ANSWER_1))).isNull();
        assertThat(socket.received).containsExactly(ANSWER_1);
    }

    @Test
    void jsmppsOwnWritesCarryTheHeldAnswersAheadOfThem() throws Exception {
        // Proves a PDU jSMPP writes on the reader (an unbind_resp) leaves in one write after the answers held before it.
        RecordingSocket socket = new RecordingSocket();
        CombinedWrites writes = readerHolding(socket, ANSWER_1);
        synchronized (writes) {
            writes.write(UNBIND_RESP);
            writes.flush();
        }
        assertThat(socket.received).containsExactly(bytes(ANSWER_1, UNBIND_RESP));
    }

    @Test
    void leavesTheHeldAnswersToTheThreadWritingNowRatherThanWaitForIt() throws Exception {
        // Proves the reader does not wait behind a delivery being written: its answers go in that thread's next write.
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingSocket socket = new RecordingSocket() {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                super.write(bytes, offset, length);
                if (received.size() == 1) {
                    writing.countDown();
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        CombinedWrites writes = new CombinedWrites(socket);
        Thread courier = new Thread(() -> {
            try {
                writes.send(DELIVERY);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        courier.start();
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        writes.beforeRead();
        writes.answer(ANSWER_1);
        writes.beforeRead(); // returns although the courier's write holds the socket
        assertThat(socket.received).containsExactly(DELIVERY);
        release.countDown();
        courier.join();
        assertThat(socket.received).containsExactly(DELIVERY, ANSWER_1);
    }

    @Test
    void aWriteThatFailedWithHeldAnswersFailsTheReadersNextRead() throws Exception {
        // Proves answers lost in another thread's failed write do not pass unnoticed: the reader's next read fails,
        // so jSMPP closes the session as it did when writing an answer failed.
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        CombinedWrites writes = readerHolding(broken, ANSWER_1);
        assertThat(onAnotherThread(() -> writes.send(DELIVERY))).as("the courier's write fails").isNotNull();
        assertThatThrownBy(writes::beforeRead).isInstanceOf(IOException.class).hasRootCauseMessage("Broken pipe");
    }

    /** Writes to {@code socket} whose reader is this thread, holding {@code answers} it made. */
    private static CombinedWrites readerHolding(OutputStream socket, byte[]... answers) throws IOException {
        CombinedWrites writes = new CombinedWrites(socket);
        writes.beforeRead();
        for (byte[] answer : answers) {
            writes.answer(answer);
        }
        return writes;
    }

    /** A write made by a thread of its own, as jSMPP's PDU threads or the courier's make them. */
    @FunctionalInterface
    private interface Write {
        void run() throws IOException;
    }

    /** Runs {@code write} on a new thread and waits for it; its IOException, or null. */
    private static IOException onAnotherThread(Write write) throws InterruptedException {
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                write.run();
            } catch (IOException e) {
                failure.set(e);
            }
        });
        thread.start();
        thread.join();
        return failure.get();
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
