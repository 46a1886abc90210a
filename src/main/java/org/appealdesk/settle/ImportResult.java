package org.appealdesk.settle;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What an import did: imported (with every line classed), or nothing because the same file was imported before. */
public sealed interface ImportResult {

    /**
     * @param malformedShown the first malformed lines, by number and reason (the count is exact)
     * @param classes        lines per class (MISSING is in {@code missing}, for the whole network and month)
     * @param numbersMasked  lines that carried a full phone number, masked as read
     */
    record Imported(long importId, String network, Period period, long linesRead, long malformedCount,
                    List<SettlementCsv.Malformed> malformedShown, Map<LineClass, ClassTotal> classes, ClassTotal settled,
                    ClassTotal refundsBooked, ClassTotal missing, long numbersMasked, long elapsedMillis) implements ImportResult {
        public Imported {
            malformedShown = List.copyOf(malformedShown);
            classes = Map.copyOf(classes);
        }

        public ClassTotal lines(LineClass lineClass) {
            return classes.getOrDefault(lineClass, ClassTotal.NONE);
        }
    }

    record AlreadyImported(long importId, String network, Period period, Instant importedAt, String importedBy) implements ImportResult {
    }
}
