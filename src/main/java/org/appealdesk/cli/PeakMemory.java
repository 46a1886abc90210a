package org.appealdesk.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident-memory high-water mark, from Linux's /proc/self/status (VmHWM). */
final class PeakMemory {

    private PeakMemory() {
    }

    static String describe() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kilobytes = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return (kilobytes / 1024) + " MB (Java process; the embedded PostgreSQL runs in its own processes)";
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
        return "unavailable (no VmHWM in /proc/self/status)";
    }
}
