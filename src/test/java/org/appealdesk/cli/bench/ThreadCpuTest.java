package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    // Keeps the spin's result alive, so the compiler cannot drop the loop.
    private static volatile long sink;

    @Test
    void sidesFollowTheThreadsNameAndClass() {
        // Proves each thread is put on the side a production machine would run it on: the simulator's by
        // name or by jSMPP's server-session class (its end of each bind), the bench's by name, the rest the platform's.
        assertThat(ThreadCpu.side("sim-timer-3", "java.lang.Thread")).isEqualTo(ThreadCpu.Side.LOAD_GENERATOR);
        assertThat(ThreadCpu.side("PDUReaderWorker-fabb7140", "org.jsmpp.session.SMPPServerSession$PDUReaderWorker"))
                .isEqualTo(ThreadCpu.Side.LOAD_GENERATOR);
        assertThat(ThreadCpu.side("PDUReaderWorker-0a1b2c3d", "org.jsmpp.session.SMPPSession$PDUReaderWorker"))
                .isEqualTo(ThreadCpu.Side.PLATFORM);
        assertThat(ThreadCpu.side("group-commit-text-intake", "java.lang.Thread")).isEqualTo(ThreadCpu.Side.PLATFORM);
        assertThat(ThreadCpu.side("ForkJoinPool-1-worker-2", "java.util.concurrent.ForkJoinWorkerThread")).isEqualTo(ThreadCpu.Side.PLATFORM);
        assertThat(ThreadCpu.side("main", "java.lang.Thread")).isEqualTo(ThreadCpu.Side.BENCH);
        assertThat(ThreadCpu.side("bench-totals-freshness", "java.lang.Thread")).isEqualTo(ThreadCpu.Side.BENCH);
        assertThat(ThreadCpu.side("Reference Handler", "java.lang.ref.Reference$ReferenceHandler")).isEqualTo(ThreadCpu.Side.JVM);
        assertThat(ThreadCpu.sideGroup("PDUReaderWorker-fabb7140", ThreadCpu.Side.LOAD_GENERATOR)).isEqualTo("PDUReaderWorker-# (simulator)");
        assertThat(ThreadCpu.sideGroup("PDUReaderWorker-0a1b2c3d", ThreadCpu.Side.PLATFORM)).isEqualTo("PDUReaderWorker-#");
        assertThat(ThreadCpu.sideGroup("sim-timer-3", ThreadCpu.Side.LOAD_GENERATOR)).isEqualTo("sim-timer-#");
    }

    @Test
    void aThreadThatEndedCountsOnceOnItsSide() throws InterruptedException {
        // Proves a generator that ends inside the window is counted from what it read at its end, and a
        // live thread's own reading wins over an ended record with the same id, so nothing counts twice.
        ThreadCpu before = ThreadCpu.now(List.of());
        long startNanos = System.nanoTime();
        AtomicLong spentNanos = new AtomicLong();
        Thread generator = new Thread(() -> spentNanos.set(burn(50_000_000L)), "sim-traffic-0");
        generator.start();
        generator.join();
        ThreadCpu.Ended ended = new ThreadCpu.Ended(generator.threadId(), generator.getName(), spentNanos.get());
        ThreadCpu after = ThreadCpu.now(List.of(ended));
        long wallNanos = System.nanoTime() - startNanos;

        double expected = spentNanos.get() / (double) wallNanos;
        assertThat(after.coresSince(before, wallNanos, 0).get("sim-traffic-#")).isCloseTo(expected, offset(0.0011));
        Map<String, Double> sides = after.sidesSince(before, wallNanos, 0);
        assertThat(sides.keySet()).containsExactly("platform", "loadGenerator", "bench", "jvm");
        assertThat(sides.get("loadGenerator")).as("other tests' idle simulator threads may add a little").isGreaterThanOrEqualTo(expected - 0.0011);

        // The same id alive in a reading: its own time is taken, the ended record ignored.
        long ownId = Thread.currentThread().threadId();
        ThreadCpu withLive = ThreadCpu.now(List.of(new ThreadCpu.Ended(ownId, "sim-traffic-9", Long.MAX_VALUE / 4)));
        assertThat(withLive.coresSince(before, wallNanos, 0)).doesNotContainKey("sim-traffic-#");
    }

    @Test
    void theJitsElapsedTimeIsBoundedByTheJvmsOwnCpu() {
        // Proves the JIT figure the summary subtracts is never more than the CPU the JVM's own threads used:
        // the JVM reports compilation as elapsed time, which a compiler thread waiting for a core still adds to.
        Map<String, Double> sides = Map.of("platform", 0.42, "loadGenerator", 0.25, "bench", 0.03, "jvm", 0.26);
        assertThat(RunResult.boundedJitCores(0.36, sides)).isEqualTo(0.26);
        assertThat(RunResult.boundedJitCores(0.07, sides)).isEqualTo(0.07);
        assertThat(RunResult.boundedJitCores(0.36, null)).as("a report without the split").isEqualTo(0.36);
    }

    // Spins until this thread has used at least the given CPU time; returns what it used.
    private static long burn(long cpuNanos) {
        var threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long x = 1;
        while (threads.getCurrentThreadCpuTime() - start < cpuNanos) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
        return threads.getCurrentThreadCpuTime() - start;
    }
}
