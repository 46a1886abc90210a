package org.appealdesk.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.appealdesk.ledger.Ledger;
import org.appealdesk.settle.ImportRequest;
import org.appealdesk.settle.ImportResult;
import org.appealdesk.settle.LineClass;
import org.appealdesk.settle.Period;
import org.appealdesk.settle.Reconciliation;
import org.appealdesk.settle.Resolutions;
import org.appealdesk.settle.Settlement;
import org.appealdesk.settle.SettlementCsv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `./appealdesk settle ...`: the networks' settlement reports. Import one, see where each network
 * and month stands, export it, and decide its differences (the only way they become money).
 */
@Command(name = "settle", description = "Import settlement reports, reconcile them, and decide differences.",
        subcommands = {SettleBenchmarkCommand.class})
final class SettleCommand implements Runnable {

    private final PrintStream out = System.out;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(out);
    }

    @Command(name = "import", description = "Import one network's settlement report (CSV) for one month.")
    int importReport(@Parameters(paramLabel = "FILE", description = "the report (columns: README, Settlement reports)") Path file,
                     @Option(names = "--network", required = true, description = "the network, as charges record it (ee, o2, three, vodafone, card...)") String network,
                     @Option(names = "--period", required = true, description = "the month it settles, YYYY-MM") String period,
                     @Option(names = "--by", description = "who imports it (default: your user name)") String by,
                     @Mixin DatabaseOptions databaseOptions) {
        ImportRequest request = new ImportRequest(file, network, Period.parse(period), by == null ? DatabaseOptions.defaultUser() : by);
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            Settlement settle = settlement(opened);
            out.println("Importing " + file + " (" + network + " " + request.period() + ")");
            ImportResult result = settle.importer.importFile(request, new ProgressPrinter(out, ProgressPrinter.onTerminal()));
            return switch (result) {
                case ImportResult.AlreadyImported earlier -> {
                    out.println("Already imported: this file (same SHA-256) is import #" + earlier.importId() + " (" + earlier.network() + " "
                            + earlier.period() + ", by " + earlier.importedBy() + " at " + earlier.importedAt() + "). Nothing changed.");
                    yield 0;
                }
                case ImportResult.Imported imported -> {
                    printImported(imported);
                    yield 0;
                }
            };
        }
    }

    private void printImported(ImportResult.Imported imported) {
        out.printf("Import #%d: %,d lines in %.1f s%n", imported.importId(), imported.linesRead(), imported.elapsedMillis() / 1000.0);
        for (LineClass lineClass : LineClass.values()) {
            if (lineClass != LineClass.MISSING) {
                var total = imported.lines(lineClass);
                out.printf("  %-40s %,10d  %14s%n", lineClass.description(), total.count(), Pounds.format(total.pence()));
            }
        }
        out.printf("  %-40s %,10d  %14s  (whole month)%n", LineClass.MISSING.description(), imported.missing().count(), Pounds.format(imported.missing().pence()));
        out.printf("  settled %s; refunds booked: %,d (%s)%n", Pounds.format(imported.settled().pence()), imported.refundsBooked().count(),
                Pounds.format(imported.refundsBooked().pence()));
        if (imported.numbersMasked() > 0) {
            out.printf("  %,d lines carried a full phone number: masked as read, never stored%n", imported.numbersMasked());
        }
        if (imported.malformedCount() > 0) {
            out.printf("  %,d malformed lines skipped, for example:%n", imported.malformedCount());
            for (SettlementCsv.Malformed bad : imported.malformedShown()) {
                out.println("    line " + bad.lineNo() + ": " + bad.reason());
            }
        }
        out.println("Differences wait for a decision: ./appealdesk settle status --network " + imported.network() + " --period " + imported.period());
    }

    @Command(name = "status", description = "Where each network and month stands: lines by class, open differences, missing charges.")
    int status(@Option(names = "--network", description = "only this network") String network,
               @Option(names = "--period", description = "only this month, YYYY-MM") String period,
               @Mixin DatabaseOptions databaseOptions) {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            Settlement settle = settlement(opened);
            List<Reconciliation.PeriodStatus> statuses = settle.reconciliation.status(network, period == null ? null : Period.parse(period));
            if (statuses.isEmpty()) {
                out.println("No settlement report imported" + (network == null ? "" : " for " + network) + (period == null ? "" : " for " + period) + ".");
                return 0;
            }
            for (Reconciliation.PeriodStatus status : statuses) {
                printStatus(status);
                if (network != null && period != null) {
                    printOpen(settle.reconciliation.openItems(status.network(), status.period(), Reconciliation.OPEN_ITEMS_SHOWN_MAX));
                }
            }
            return 0;
        }
    }

    private void printStatus(Reconciliation.PeriodStatus status) {
        out.println(status.network() + " " + status.period() + ": " + status.imports().size() + " report(s)");
        for (Reconciliation.ImportSummary summary : status.imports()) {
            out.printf("  #%d %s: %,d lines, %,d malformed, by %s at %s%n", summary.importId(), summary.fileName(), summary.linesRead(), summary.malformed(),
                    summary.importedBy(), summary.importedAt());
        }
        for (Map.Entry<LineClass, org.appealdesk.settle.ClassTotal> entry : new java.util.TreeMap<>(status.lines()).entrySet()) {
            Long open = status.open().get(entry.getKey());
            out.printf("  %-40s %,10d  %14s%s%n", entry.getKey().description(), entry.getValue().count(), Pounds.format(entry.getValue().pence()),
                    open == null ? "" : String.format("  %,d open", open));
        }
    }

    private void printOpen(List<Reconciliation.OpenItem> items) {
        if (items.isEmpty()) {
            out.println("  Nothing open.");
            return;
        }
        out.println("  Open differences (decide with: ./appealdesk settle resolve REF --action settle|write-off|dismiss --reason ...):");
        for (Reconciliation.OpenItem item : items) {
            out.printf("    %-14s %-32s reported %-10s expected %-10s donation %-8s age %3d d  %s%n", item.reference(), item.lineClass().description(),
                    item.reportedPence() == null ? "-" : Pounds.format(item.reportedPence()), item.expectedPence() == null ? "-" : Pounds.format(item.expectedPence()),
                    item.donationId() == null ? "-" : item.donationId(), item.ageDays(), item.note() == null ? "" : item.note());
        }
    }

    @Command(name = "export", description = "Export a network's month as CSV: every line with its class and decision, then every missing charge.")
    int export(@Option(names = "--network", required = true) String network,
               @Option(names = "--period", required = true, description = "YYYY-MM") String period,
               @Option(names = "--out", description = "file to write (default: standard output)") Path file,
               @Mixin DatabaseOptions databaseOptions) {
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            Writer writer = writer(file);
            try {
                long rows = settlement(opened).reconciliation.export(network, Period.parse(period), writer);
                writer.flush();
                if (file != null) {
                    out.printf("Wrote %,d rows to %s%n", rows, file);
                }
            } finally {
                if (file != null) {
                    writer.close(); // standard output stays open
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "resolve", description = "Decide a difference, with who and why: the only way it becomes money.")
    int resolve(@Parameters(paramLabel = "REF", description = "IMPORT:LINE for a report line, part:ID for a missing charge (from settle status)") String reference,
                @Option(names = "--action", required = true, description = "settle (take the network's figure), write-off (a missing charge the network will never pay), dismiss") String action,
                @Option(names = "--reason", required = true) String reason,
                @Option(names = "--by", description = "who decides (default: your user name)") String by,
                @Option(names = "--appeal", description = "the appeal whose suspense takes money paid for no charge here (needed with several appeals)") String appeal,
                @Mixin DatabaseOptions databaseOptions) {
        Resolutions.Action chosen = switch (action.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "settle" -> Resolutions.Action.SETTLE;
            case "write-off", "writeoff", "write_off" -> Resolutions.Action.WRITE_OFF;
            case "dismiss" -> Resolutions.Action.DISMISS;
            default -> throw new IllegalArgumentException("--action must be settle, write-off or dismiss, got '" + action + "'");
        };
        Resolutions.Target target = Resolutions.Target.parse(reference);
        try (DatabaseOptions.Opened opened = databaseOptions.open()) {
            Resolutions.Outcome outcome = settlement(opened).resolutions.resolve(target, chosen, appeal, by == null ? DatabaseOptions.defaultUser() : by, reason);
            return switch (outcome) {
                case Resolutions.Outcome.Resolved resolved -> {
                    out.println("Decision " + resolved.resolutionId() + " on " + reference + ": " + resolved.summary());
                    yield 0;
                }
                case Resolutions.Outcome.Refused refused -> {
                    System.err.println("appealdesk: not decided: " + refused.why());
                    yield 1;
                }
            };
        }
    }

    static Settlement settlement(DatabaseOptions.Opened opened) {
        return new Settlement(opened.database, new Ledger(opened.database), InstantSource.system());
    }

    static Writer writer(Path file) throws IOException {
        return file == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }
}
