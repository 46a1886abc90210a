package org.appealdesk.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The JVM's CPU time split by thread group and by side, to see where time goes inside the one
 * process that holds both the platform and the load generator. A group is a thread's name without
 * its numbers ("sim-deliver-17" and "sim-deliver-3" are "sim-deliver-#"). Virtual threads are not
 * listed by the JVM; their work shows under the carrier threads ("ForkJoinPool-#-worker-#"), which
 * only the platform uses here.
 *
 * <p>The side says what a production machine would run: the platform's threads, or the load
 * generator's (the simulated network, which is another operator's machine in life), or the
 * bench's own instrument, or the JVM's (collection, compilation, housekeeping), which both share.
 *
 * <p>Hazard: a thread that ends between two readings takes its time with it, unless its owner kept
 * it ({@link Ended}: the traffic generator, which ends with the window). The JVM's process total
 * is measured apart, and what the listed threads do not account for goes to the JVM's side, so
 * the time of any other thread that ended in the window (a pool's idle carrier retiring, a bind's
 * short-lived thread) is counted there. The bench's threads are long-lived pools: the split is
 * close, not exact.
 */
final class ThreadCpu {

    /** Groups kept in a report (the busiest; a bench run has about 20); the rest are summed as "other". */
    static final int GROUPS_REPORTED_MAX = 30;

    /** What the JVM spent outside its Java threads (garbage collection, JIT compilation): not listed per thread. */
    static final String JVM_INTERNAL = "(JVM internal: GC, JIT)";

    /**
     * Who a thread works for. Loopback TCP's receiving work mostly runs on the sending thread, so
     * each side's figure holds some of the other's kernel time: a split to size with, not to the
     * last hundredth.
     */
    enum Side {
        /** What a production node runs: SMPP sessions, writers, handoffs, totals, the janitor. */
        PLATFORM("platform"),
        /** The simulated operator network: its timers, traffic, dispatcher, and jSMPP's threads of its sessions. */
        LOAD_GENERATOR("loadGenerator"),
        /** The bench's own readings (its main thread, totals freshness poller, ceiling). */
        BENCH("bench"),
        /**
         * Collection, compilation and the JVM's housekeeping threads, which every side shares; also
         * whatever the listed threads do not account for (see the hazard above).
         */
        JVM("jvm");

        final String key;

        Side(String key) {
            this.key = key;
        }
    }

    /** A thread that had ended by a reading, with the CPU time its owner read at its end. */
    record Ended(long threadId, String name, long cpuNanos) {
    }

    // The JVM's own Java threads (reference processing, signals, notifications, cleaners, attach).
    private static final Set<String> JVM_THREADS = Set.of("Reference Handler", "Finalizer", "Signal Dispatcher",
            "Notification Thread", "Common-Cleaner", "Attach Listener");

    private final boolean measured;
    private final Map<Long, Long> nanosByThread;
    private final Map<Long, String> groupByThread;
    private final Map<Long, Side> sideByThread;

    private ThreadCpu(boolean measured, Map<Long, Long> nanosByThread, Map<Long, String> groupByThread, Map<Long, Side> sideByThread) {
        this.measured = measured;
        this.nanosByThread = nanosByThread;
        this.groupByThread = groupByThread;
        this.sideByThread = sideByThread;
    }

    /**
     * The live threads' CPU now, then the {@code ended} ones that are no longer live (a live one's own
     * reading wins). Both suppliers are read after the live threads, so a generator that ends in
     * between is in one list or the other, never neither.
     *
     * @param ended             threads that may have ended, with their CPU at their end
     * @param simulatorSessions the simulated network's SMPP session ids: jSMPP names each session's
     *                          threads after its id on both ends of a bind, so these tell its threads apart
     */
    static ThreadCpu now(Supplier<? extends Collection<Ended>> ended, Supplier<Set<String>> simulatorSessions) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return new ThreadCpu(false, nanos, new HashMap<>(), new HashMap<>());
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                nanos.put(info.getThreadId(), cpu);
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        for (Ended thread : ended.get()) {
            if (thread.cpuNanos() >= 0 && nanos.putIfAbsent(thread.threadId(), thread.cpuNanos()) == null) {
                names.put(thread.threadId(), thread.name());
            }
        }
        Set<String> sessions = simulatorSessions.get();
        Map<Long, String> groups = new HashMap<>();
        Map<Long, Side> sides = new HashMap<>();
        names.forEach((id, name) -> {
            Side side = side(name, sessions);
            sides.put(id, side);
            groups.put(id, sideGroup(name, side));
        });
        return new ThreadCpu(true, nanos, groups, sides);
    }

    /** Which side a thread works for, by its name: the simulator's own, or named after one of its sessions (see {@link Side}). */
    static Side side(String threadName, Set<String> simulatorSessions) {
        int dash = threadName.lastIndexOf('-');
        if (threadName.startsWith("sim-") || dash >= 0 && simulatorSessions.contains(threadName.substring(dash + 1))) {
            return Side.LOAD_GENERATOR;
        }
        if (threadName.equals("main") || threadName.startsWith("bench-")) {
            return Side.BENCH;
        }
        if (JVM_THREADS.contains(threadName)) {
            return Side.JVM;
        }
        return Side.PLATFORM;
    }

    /** The group, marked "(simulator)" where only the session id tells the load generator's thread apart (jSMPP's threads of both ends). */
    static String sideGroup(String threadName, Side side) {
        String group = group(threadName);
        return side == Side.LOAD_GENERATOR && !threadName.startsWith("sim-") ? group + " (simulator)" : group;
    }

    /** "sim-deliver-17" to "sim-deliver-#", "PDUReaderWorker-fabb7140" (a session id) to "PDUReaderWorker-#". */
    static String group(String threadName) {
        StringBuilder group = new StringBuilder();
        for (String token : threadName.split("-", -1)) {
            if (!group.isEmpty()) {
                group.append('-');
            }
            boolean hexId = token.length() >= 6 && token.matches("[0-9a-fA-F]+") && token.matches(".*[0-9].*");
            group.append(hexId ? "#" : token.replaceAll("[0-9]+", "#"));
        }
        return group.toString();
    }

    /**
     * Cores used per group between {@code earlier} and this reading, busiest first, with the
     * process's time not spent in any listed thread ({@code processCores} minus the groups) as
     * {@link #JVM_INTERNAL}.
     */
    Map<String, Double> coresSince(ThreadCpu earlier, long wallNanos, double processCores) {
        Map<String, Long> byGroup = new HashMap<>();
        nanosByThread.forEach((id, nanos) -> byGroup.merge(groupByThread.get(id), since(earlier, id, nanos), Long::sum));
        Map<String, Double> cores = new LinkedHashMap<>();
        double wall = Math.max(1, wallNanos);
        long other = 0;
        int kept = 0;
        for (Map.Entry<String, Long> entry : byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList()) {
            if (kept++ < GROUPS_REPORTED_MAX) {
                cores.put(entry.getKey(), round(entry.getValue() / wall));
            } else {
                other += entry.getValue();
            }
        }
        if (other > 0) {
            cores.put("other", round(other / wall));
        }
        cores.put(JVM_INTERNAL, round(Math.max(0, processCores - listedNanosSince(earlier) / wall)));
        return cores;
    }

    /**
     * Cores used per {@link Side} between {@code earlier} and this reading, in the order of the
     * enum, keyed by {@link Side#key}; the JVM's side also holds the process's time no listed thread
     * accounts for.
     */
    Map<String, Double> sidesSince(ThreadCpu earlier, long wallNanos, double processCores) {
        if (!measured || !earlier.measured) {
            // No per-thread CPU: every side but the JVM's would read 0, and the platform's cost a gift be PostgreSQL's alone.
            return null;
        }
        Map<Side, Long> bySide = new HashMap<>();
        nanosByThread.forEach((id, nanos) -> bySide.merge(sideByThread.get(id), since(earlier, id, nanos), Long::sum));
        double wall = Math.max(1, wallNanos);
        double unlisted = Math.max(0, processCores - listedNanosSince(earlier) / wall);
        Map<String, Double> cores = new LinkedHashMap<>();
        for (Side side : Side.values()) {
            double own = bySide.getOrDefault(side, 0L) / wall;
            cores.put(side.key, round(side == Side.JVM ? own + unlisted : own));
        }
        return cores;
    }

    private long listedNanosSince(ThreadCpu earlier) {
        long listed = 0;
        for (Map.Entry<Long, Long> thread : nanosByThread.entrySet()) {
            listed += since(earlier, thread.getKey(), thread.getValue());
        }
        return listed;
    }

    // A thread's time since the earlier reading (all of it if it started after); never negative.
    private static long since(ThreadCpu earlier, long id, long nanos) {
        return Math.max(0, nanos - earlier.nanosByThread.getOrDefault(id, 0L));
    }

    private static double round(double value) {
        return Math.round(value * 1_000) / 1_000.0;
    }
}
