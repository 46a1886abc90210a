package org.appealdesk.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM's CPU time split by thread group, to see where time goes inside the one process that
 * holds both the platform and the load generator. A group is a thread's name without its numbers
 * ("sim-deliver-17" and "sim-deliver-3" are "sim-deliver-#"). Virtual threads are not listed by the
 * JVM; their work shows under the carrier threads ("ForkJoinPool-#-worker-#").
 *
 * <p>Hazard: a thread that ends between two readings takes its time with it; the bench's threads
 * are long-lived pools, so the split is close, and the JVM's process total is measured apart.
 */
final class ThreadCpu {

    /** Groups kept in a report (the busiest); the rest are summed as "other". */
    static final int GROUPS_REPORTED_MAX = 15;

    private final Map<Long, Long> nanosByThread;
    private final Map<Long, String> groupByThread;

    private ThreadCpu(Map<Long, Long> nanosByThread, Map<Long, String> groupByThread) {
        this.nanosByThread = nanosByThread;
        this.groupByThread = groupByThread;
    }

    static ThreadCpu now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> groups = new HashMap<>();
        if (!threads.isThreadCpuTimeSupported()) {
            return new ThreadCpu(nanos, groups);
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                nanos.put(info.getThreadId(), cpu);
                groups.put(info.getThreadId(), group(info.getThreadName()));
            }
        }
        return new ThreadCpu(nanos, groups);
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

    /** What the JVM spent outside its Java threads (garbage collection, JIT compilation): not listed per thread. */
    static final String JVM_INTERNAL = "(JVM internal: GC, JIT)";

    /**
     * Cores used per group between {@code earlier} and this reading, busiest first, with the
     * process's time not spent in any listed thread ({@code processCores} minus the groups) as
     * {@link #JVM_INTERNAL}.
     */
    Map<String, Double> coresSince(ThreadCpu earlier, long wallNanos, double processCores) {
        Map<String, Long> byGroup = new HashMap<>();
        nanosByThread.forEach((id, nanos) -> {
            long before = earlier.nanosByThread.getOrDefault(id, 0L);
            byGroup.merge(groupByThread.get(id), Math.max(0, nanos - before), Long::sum);
        });
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
        double listed = byGroup.values().stream().mapToLong(Long::longValue).sum() / wall;
        cores.put(JVM_INTERNAL, round(Math.max(0, processCores - listed)));
        return cores;
    }

    private static double round(double value) {
        return Math.round(value * 1_000) / 1_000.0;
    }
}
