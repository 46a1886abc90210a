package org.appealdesk.donation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.Collator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void requestIdsSortInPartOrderAndNeverRepeat() {
        // Proves: a request id is "ap", the part id in 16 hex capitals, then 12 base-62 characters; ids for growing part ids sort
        // in that order, and after every id of the old form ("ad" + 24 random), both byte-wise (the C collation) and under a
        // linguistic collation, so the unique index grows at its right edge; the same part id twice still gives two ids (the
        // random part), and a negative id is refused.
        long[] partIds = {0, 1, 9, 10, 15, 16, 255, 256, 65_535, 1L << 32, 916_132_831_999L, Long.MAX_VALUE};
        List<String> ids = new ArrayList<>(List.of("ad000000000000000000000000", "adzzzzzzzzzzzzzzzzzzzzzzzz")); // ids of the old form
        for (long partId : partIds) {
            String id = RequestIds.forPart(partId);
            assertThat(id).hasSize(30).matches("ap[0-9A-F]{16}[0-9A-Za-z]{12}");
            assertThat(Long.parseUnsignedLong(id.substring(2, 18), 16)).isEqualTo(partId);
            ids.add(id);
        }
        assertThat(ids).isSorted();
        List<String> linguistic = new ArrayList<>(ids);
        linguistic.sort(Collator.getInstance(Locale.UK));
        assertThat(linguistic).containsExactlyElementsOf(ids);
        String oldCapitals = "adZZZZZZZZZZZZZZZZZZZZZZZZ"; // sorts on either side of "adzzz…" by collation, before every new id in both
        assertThat(ids.subList(2, ids.size())).allSatisfy(id -> {
            assertThat(oldCapitals.compareTo(id)).isNegative();
            assertThat(Collator.getInstance(Locale.UK).compare(oldCapitals, id)).isNegative();
        });

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            assertThat(seen.add(RequestIds.forPart(42))).isTrue();
        }
        assertThatThrownBy(() -> RequestIds.forPart(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
