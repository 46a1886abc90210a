package org.appealdesk.cli;

import java.io.PrintStream;
import org.appealdesk.settle.ImportProgress;

/**
 * Draws an import's progress: on a terminal a bar redrawn in place (at most every
 * {@link #REDRAW_MS} ms); otherwise, for logs and pipes, a plain line every tenth of the file.
 */
final class ProgressPrinter implements ImportProgress {

    static final long REDRAW_MS = 100;
    private static final int BAR_CHARS = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long startedNanos = System.nanoTime();
    private long lastDrawNanos;
    private int lastTenth = -1;
    private boolean barOpen;

    ProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * True on an interactive terminal. Before JDK 22 {@code System.console()} is null when output is
     * redirected; from JDK 22 it may exist anyway, and {@code Console.isTerminal()} says (called
     * reflectively because the build targets 21).
     */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public void reading(long bytesRead, long bytesTotal, long linesRead) {
        double fraction = bytesTotal == 0 ? 1 : Math.min(1, (double) bytesRead / bytesTotal);
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        if (terminal) {
            long now = System.nanoTime();
            if (fraction < 1 && now - lastDrawNanos < REDRAW_MS * 1_000_000) {
                return;
            }
            lastDrawNanos = now;
            int filled = (int) Math.round(fraction * BAR_CHARS);
            out.printf("\r  reading [%s%s] %3.0f%%  %,d lines  %,.0f lines/s ", "#".repeat(filled), ".".repeat(BAR_CHARS - filled), fraction * 100,
                    linesRead, linesRead / seconds);
            out.flush();
            barOpen = true;
        } else {
            int tenth = (int) Math.floor(fraction * 10);
            if (tenth > lastTenth) {
                lastTenth = tenth;
                out.printf("  reading: %d%% (%,d lines, %.1f s)%n", tenth * 10, linesRead, seconds);
            }
        }
    }

    @Override
    public void phase(String description) {
        if (barOpen) {
            out.println();
            barOpen = false;
        }
        out.printf("  %s (%.1f s)%n", description, (System.nanoTime() - startedNanos) / 1e9);
    }
}
