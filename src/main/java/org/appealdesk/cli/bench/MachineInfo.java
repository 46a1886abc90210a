package org.appealdesk.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a figure was taken on: without it a figure means nothing. Read from /proc and the
 * running JVM; the PostgreSQL version comes from the server itself.
 */
record MachineInfo(int processors, long memoryMb, String cpuModel, String kernel, String jdk, String jvmOptions, String postgresVersion) {

    static MachineInfo read(String postgresVersion) {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                ProcessMeter.statusField(Path.of("/proc/meminfo"), "MemTotal:") / 1024,
                readCpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " " + Runtime.version(),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                postgresVersion);
    }

    private static String readCpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    String describe() {
        return processors + " CPUs (" + cpuModel + "), " + memoryMb + " MB, " + kernel + ", " + jdk + ", PostgreSQL " + postgresVersion;
    }
}
