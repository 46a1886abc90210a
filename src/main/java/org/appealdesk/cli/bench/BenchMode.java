package org.appealdesk.cli.bench;

import java.util.Locale;

/**
 * What a bench run exercises.
 * <ul>
 *   <li>{@link #FULL}: the whole pipeline, text in, charge submitted, receipt, ledger, thank-you out.</li>
 *   <li>{@link #INTAKE}: texts durably recorded and acknowledged, nothing sent: the SMPP gateway is
 *       wired to an outbox that never hands out a message ({@link SilentOutbox}), so the intake's own
 *       ceiling is measured without charging competing for the machine. A harness choice, not a
 *       platform setting.</li>
 * </ul>
 */
public enum BenchMode {
    FULL, INTAKE;

    public static BenchMode parse(String text) {
        for (BenchMode mode : values()) {
            if (mode.name().equalsIgnoreCase(text.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--mode must be full or intake, got '" + text + "'");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
