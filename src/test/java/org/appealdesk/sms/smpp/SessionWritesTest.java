package org.appealdesk.sms.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionWritesTest {

    /** A socket stand-in that records each write and can hold the first one until told. */
    private static final class Recording extends OutputStream {
        final List<String> writes = new CopyOnWriteArrayList<>();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch failed = new CountDownLatch(1);
        volatile boolean broken;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (broken) {
                failed.countDown();
                throw new IOException("connection reset");
            }
            firstStarted.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writes.add(new String(b, off, len));
        }
    }

    @Test
    void bytesHandedOverDuringAWriteLeaveTogetherInTheNext() throws Exception {
        // Proves the batching: while a session's write is in progress, later PDUs queue and go out in one write.
        SessionWrites writes = new SessionWrites();
        Recording socket = new Recording();

        writes.write(socket, "a".getBytes());
        assertThat(socket.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        writes.write(socket, "b".getBytes());
        writes.write(socket, "c".getBytes());
        socket.release.countDown();

        awaitWrites(socket, 2);
        assertThat(socket.writes).containsExactly("a", "bc");
    }

    @Test
    void aStalledSessionHoldsUpOnlyItself() throws Exception {
        // Proves isolation: one session's stuck write does not delay another session's bytes.
        SessionWrites writes = new SessionWrites();
        Recording stuck = new Recording();
        Recording healthy = new Recording();
        healthy.release.countDown();

        writes.write(stuck, "x".getBytes());
        assertThat(stuck.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        writes.write(healthy, "y".getBytes());

        awaitWrites(healthy, 1);
        assertThat(healthy.writes).containsExactly("y");
        assertThat(stuck.writes).isEmpty();
        stuck.release.countDown();
        awaitWrites(stuck, 1);
    }

    @Test
    void aFailedWriteDropsTheSessionsBytesAndLaterOnesStartAfresh() throws Exception {
        // Proves a closed session neither blocks nor keeps its bytes, and a stream that works again is written to.
        SessionWrites writes = new SessionWrites();
        Recording socket = new Recording();
        socket.release.countDown();
        socket.broken = true;

        writes.write(socket, "lost".getBytes());
        assertThat(socket.failed.await(5, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (writes.writing(socket) && System.nanoTime() < deadline) {
            Thread.sleep(1); // the write task drops its entry right after the failure
        }
        assertThat(writes.writing(socket)).isFalse();
        socket.broken = false;
        writes.write(socket, "next".getBytes());

        awaitWrites(socket, 1);
        assertThat(socket.writes).containsExactly("next");
    }

    private static void awaitWrites(Recording socket, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (socket.writes.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(socket.writes).hasSizeGreaterThanOrEqualTo(count);
    }
}
