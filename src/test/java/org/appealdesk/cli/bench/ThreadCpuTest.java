package org.appealdesk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    // Keeps the spin's result alive, so the compiler cannot drop the loop.
    private static volatile long sink;

    @Test
    void sidesFollowTheThreadsNameAndTheSimulatorsSessions() {
        // Proves each thread is put on the side a production machine would run it on: the simulator's by its name or by
        // one of its sessions' ids (jSMPP names both ends' threads alike, after their own session), the bench's by name,
        // the JVM's housekeeping by name, and the rest the platform's.
        Set<String> simulatorSessions = Set.of("fabb7140");
        assertThat(ThreadCpu.side("sim-timer-3", simulatorSessions)).isEqualTo(ThreadCpu.Side.LOAD_GENERATOR);
        assertThat(ThreadCpu.side("PDUReaderWorker-fabb7140", simulatorSessions)).isEqualTo(ThreadCpu.Side.LOAD_GENERATOR);
        assertThat(ThreadCpu.side("EnquireLinkSender-fabb7140", simulatorSessions)).isEqualTo(ThreadCpu.Side.LOAD_GENERATOR);
        assertThat(ThreadCpu.side("PDUReaderWorker-0a1b2c3d", simulatorSessions)).isEqualTo(ThreadCpu.Side.PLATFORM);
        assertThat(ThreadCpu.side("group-commit-text-intake", simulatorSessions)).isEqualTo(ThreadCpu.Side.PLATFORM);
        assertThat(ThreadCpu.side("ForkJoinPool-1-worker-2", simulatorSessions)).isEqualTo(ThreadCpu.Side.PLATFORM);
        assertThat(ThreadCpu.side("main", simulatorSessions)).isEqualTo(ThreadCpu.Side.BENCH);
        assertThat(ThreadCpu.side("bench-totals-freshness", simulatorSessions)).isEqualTo(ThreadCpu.Side.BENCH);
        assertThat(ThreadCpu.side("Reference Handler", simulatorSessions)).isEqualTo(ThreadCpu.Side.JVM);
        assertThat(ThreadCpu.sideGroup("PDUReaderWorker-fabb7140", ThreadCpu.Side.LOAD_GENERATOR)).isEqualTo("PDUReaderWorker-# (simulator)");
        assertThat(ThreadCpu.sideGroup("PDUReaderWorker-0a1b2c3d", ThreadCpu.Side.PLATFORM)).isEqualTo("PDUReaderWorker-#");
        assertThat(ThreadCpu.sideGroup("sim-timer-3", ThreadCpu.Side.LOAD_GENERATOR)).isEqualTo("sim-timer-#");
    }

    @Test
    void aThreadThatEndedCountsOnceOnItsSide() throws InterruptedException {
        // Proves a generator that ends inside the window is counted from what it read at its end, on the load generator's
        // side, and a live thread's own reading wins over an ended record with the same id, so nothing counts twice. The
        // names are this test's own, so no other test's threads in the same JVM share their groups.
        ThreadCpu before = ThreadCpu.now(List::of, Set::of);
        long startNanos = System.nanoTime();
        AtomicLong spentNanos = new AtomicLong();
        Thread generator = new Thread(() -> spentNanos.set(burn(50_000_000L)), "sim-cputest-ended");
        generator.start();
        generator.join();
        ThreadCpu.Ended ended = new ThreadCpu.Ended(generator.threadId(), generator.getName(), spentNanos.get());
        ThreadCpu after = ThreadCpu.now(() -> List.of(ended), Set::of);
        long wallNanos = System.nanoTime() - startNanos;

        double expected = spentNanos.get() / (double) wallNanos;
        assertThat(after.coresSince(before, wallNanos, 0).get("sim-cputest-ended")).isCloseTo(expected, offset(0.0011));
        Map<String, Double> sides = after.sidesSince(before, wallNanos, 0);
        assertThat(sides.keySet()).containsExactly("platform", "loadGenerator", "bench", "jvm");
        assertThat(sides.get("loadGenerator")).as("other tests' idle simulator threads may add a little").isGreaterThanOrEqualTo(expected - 0.0011);

        // This thread, alive, under an ended record with its id and a huge time: its own reading is taken, under its own name.
        Thread self = Thread.currentThread();
        ThreadCpu withLive = ThreadCpu.now(() -> List.of(new ThreadCpu.Ended(self.threadId(), "sim-cputest-live", Long.MAX_VALUE / 4)), Set::of);
        Map<String, Double> groups = withLive.coresSince(before, wallNanos, 0);
        assertThat(groups).doesNotContainKey("sim-cputest-live").containsKey(ThreadCpu.group(self.getName()));
        assertThat(groups.get(ThreadCpu.group(self.getName()))).isLessThan(1.0);
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
