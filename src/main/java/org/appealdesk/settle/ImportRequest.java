package org.appealdesk.settle;

import java.nio.file.Path;

/**
 * One settlement report to import.
 *
 * @param network    the network the report is from, as charges record it ("ee", "o2", "three", "card")
 * @param period     the month the report settles
 * @param importedBy who ran the import, kept with it
 */
public record ImportRequest(Path file, String network, Period period, String importedBy) {

    public ImportRequest {
        if (file == null || period == null) {
            throw new IllegalArgumentException("an import needs a file and a period");
        }
        if (network == null || !network.matches("[a-z0-9][a-z0-9_-]{0,39}")) {
            throw new IllegalArgumentException("--network must be 1-40 lower-case letters, digits, '-' or '_' as charges record it (e.g. ee, o2, three), got '" + network + "'");
        }
        importedBy = Refunds.requireText(importedBy, "who");
    }
}
