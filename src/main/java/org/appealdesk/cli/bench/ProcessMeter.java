package org.appealdesk.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Memory and CPU of this JVM and of the embedded PostgreSQL, read from Linux's /proc.
 *
 * <p>The JVM (platform and load generator together, as the issue measures them) reports its own
 * resident high-water mark (VmHWM) and process CPU time. PostgreSQL runs as separate processes:
 * the postmaster (its pid is the first line of postmaster.pid in the data directory) and its
 * children (backends, WAL writer, checkpointer...), found by parent pid. Their memory is summed as
 * proportional set size (Pss, from smaps_rollup), so shared_buffers, mapped by every backend, is
 * counted once; where Pss is unreadable, private resident memory plus the largest shared mapping.
 *
 * <p>Hazard: a backend that exits between two readings takes its CPU time with it, except what
 * the postmaster collects as its children's time (cutime, cstime), which is added; the bench's
 * backends are pooled and live through the run, so little is lost.
 */
final class ProcessMeter {

    /** Linux reports process CPU in clock ticks; 100 per second on every common x86-64 and arm64 kernel. */
    static final long CLOCK_TICKS_PER_SECOND_DEFAULT = 100;
    private static final Path PROC = Path.of("/proc");
    /** Processes looked at when scanning /proc for the postmaster's children. */
    private static final int PROCESSES_SCANNED_MAX = 100_000;

    private final Path postgresDataDirectory;
    private final long ticksPerSecond;

    ProcessMeter(Path postgresDataDirectory) {
        this.postgresDataDirectory = postgresDataDirectory;
        this.ticksPerSecond = clockTicksPerSecond();
    }

    /** Resident memory at one moment, in kB. */
    record Memory(long jvmRssKb, long postgresKb, int postgresProcesses) {
        long totalKb() {
            return jvmRssKb + postgresKb;
        }
    }

    /** Cumulative CPU time at one moment. */
    record CpuTime(long atNanos, long jvmCpuNanos, long postgresCpuNanos) {
        /** Cores busy on average between {@code earlier} and this reading: JVM, PostgreSQL. */
        double[] coresSince(CpuTime earlier) {
            double wall = Math.max(1, atNanos - earlier.atNanos);
            return new double[]{(jvmCpuNanos - earlier.jvmCpuNanos) / wall, (postgresCpuNanos - earlier.postgresCpuNanos) / wall};
        }
    }

    Memory memory() {
        long jvm = statusField(PROC.resolve("self/status"), "VmRSS:");
        long postgres = 0;
        long sharedLargest = 0;
        boolean pssReadable = true;
        List<Long> pids = postgresPids();
        for (long pid : pids) {
            long pss = pssReadable ? statusField(PROC.resolve(pid + "/smaps_rollup"), "Pss:") : -1;
            if (pss >= 0) {
                postgres += pss;
                continue;
            }
            pssReadable = false;
            Path status = PROC.resolve(pid + "/status");
            postgres += Math.max(0, statusField(status, "RssAnon:")) + Math.max(0, statusField(status, "RssFile:"));
            sharedLargest = Math.max(sharedLargest, statusField(status, "RssShmem:"));
        }
        return new Memory(Math.max(0, jvm), postgres + sharedLargest, pids.size());
    }

    /** The JVM's resident high-water mark since it started, in kB (0 where /proc has none). */
    long jvmPeakRssKb() {
        return Math.max(0, statusField(PROC.resolve("self/status"), "VmHWM:"));
    }

    CpuTime cpuTime() {
        long jvm = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            jvm = Math.max(0, os.getProcessCpuTime());
        }
        long ticks = 0;
        long postmaster = postmasterPid();
        for (long pid : postgresPids()) {
            long[] times = cpuTicks(pid);
            ticks += times[0] + times[1] + (pid == postmaster ? times[2] + times[3] : 0);
        }
        return new CpuTime(System.nanoTime(), jvm, TimeUnit.SECONDS.toNanos(ticks) / ticksPerSecond);
    }

    /**
     * The whole machine's CPU time so far, from the first line of /proc/stat: busy (everything but
     * idle and I/O wait) and stolen by the hypervisor, in nanoseconds. Busy time minus this JVM's and
     * PostgreSQL's is what other processes took: on a shared machine, the noise in the figures.
     */
    record MachineTime(long atNanos, long busyNanos, long stealNanos) {
        double[] coresSince(MachineTime earlier) {
            double wall = Math.max(1, atNanos - earlier.atNanos);
            return new double[]{(busyNanos - earlier.busyNanos) / wall, (stealNanos - earlier.stealNanos) / wall};
        }
    }

    MachineTime machineTime() {
        try {
            String first = Files.readAllLines(PROC.resolve("stat")).getFirst();
            String[] fields = first.trim().split("\\s+");
            long busy = 0;
            long steal = 0;
            // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                long ticks = Long.parseLong(fields[i]);
                if (i == 4 || i == 5) {
                    continue; // idle, iowait
                }
                if (i == 8) {
                    steal = ticks;
                    continue;
                }
                busy += ticks;
            }
            return new MachineTime(System.nanoTime(), TimeUnit.SECONDS.toNanos(busy) / ticksPerSecond, TimeUnit.SECONDS.toNanos(steal) / ticksPerSecond);
        } catch (IOException | RuntimeException e) {
            return new MachineTime(System.nanoTime(), 0, 0);
        }
    }

    /** The postmaster and its children; empty when PostgreSQL is not running there. */
    List<Long> postgresPids() {
        long postmaster = postmasterPid();
        List<Long> pids = new ArrayList<>();
        if (postmaster <= 0) {
            return pids;
        }
        pids.add(postmaster);
        int scanned = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                if (++scanned > PROCESSES_SCANNED_MAX) {
                    break;
                }
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid != postmaster && parentPid(pid) == postmaster) {
                    pids.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable (not Linux): report the postmaster alone.
        }
        return pids;
    }

    long postmasterPid() {
        try {
            List<String> lines = Files.readAllLines(postgresDataDirectory.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.getFirst().strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The fields after the command name in /proc/PID/stat (the name may hold spaces and parentheses). */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 ? new String[0] : stat.substring(close + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return new String[0];
        }
    }

    private static long parentPid(long pid) {
        String[] fields = statFields(pid);
        return fields.length > 1 ? Long.parseLong(fields[1]) : -1;
    }

    /** utime, stime, cutime, cstime in clock ticks (fields 14-17 of stat; 12-15 after the name). */
    private static long[] cpuTicks(long pid) {
        String[] fields = statFields(pid);
        long[] ticks = new long[4];
        if (fields.length > 14) {
            for (int i = 0; i < 4; i++) {
                ticks[i] = Long.parseLong(fields[11 + i]);
            }
        }
        return ticks;
    }

    /** A "Name:   123 kB" field of a /proc status-like file, in kB; -1 when missing or unreadable. */
    static long statusField(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            try {
                if (getconf.waitFor(2, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                    long ticks = Long.parseLong(new String(getconf.getInputStream().readAllBytes()).strip());
                    if (ticks > 0) {
                        return ticks;
                    }
                }
            } finally {
                getconf.destroy();
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CLOCK_TICKS_PER_SECOND_DEFAULT;
    }
}
