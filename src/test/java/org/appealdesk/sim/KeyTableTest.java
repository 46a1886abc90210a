package org.appealdesk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.appealdesk.platform.PhoneNumber;
import org.junit.jupiter.api.Test;

class KeyTableTest {

    @Test
    void givesEachDistinctKeyOneIndexInTheOrderAddedAndGivesTheKeyBack() {
        // Proves a key added once keeps its index through the table's growth, and every key comes back as it went in.
        KeyTable table = new KeyTable();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            keys.add("ap" + String.format("%016X", i) + "Zq" + (i % 97));
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(table.find(keys.get(i))).isEqualTo(-1);
            assertThat(table.findOrAdd(keys.get(i))).isEqualTo(i);
        }
        assertThat(table.size()).isEqualTo(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            assertThat(table.findOrAdd(keys.get(i))).isEqualTo(i);
            assertThat(table.key(i)).isEqualTo(keys.get(i));
        }
        assertThat(table.size()).isEqualTo(keys.size());
    }

    @Test
    void tellsApartKeysThatOnlyAnEncodingWouldConfuse() {
        // Proves keys beyond ASCII (the replacement character an ASCII decode leaves, an unpaired surrogate,
        // a character whose bytes look like the escape) and prefixes of one another stay distinct and round-trip.
        KeyTable table = new KeyTable();
        List<String> keys = List.of("", "a", "ab", "a\uFFFD", "\uFFFD", "\uD800", "\uDC00", "\u00FF", "\u00FFa", "\uFF61", "a\u0000", "\u0000");
        for (String key : keys) {
            table.findOrAdd(key);
        }
        assertThat(table.size()).isEqualTo(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            assertThat(table.find(keys.get(i))).isEqualTo(i);
            assertThat(table.key(i)).isEqualTo(keys.get(i));
        }
        assertThat(table.find("b")).isEqualTo(-1);
        assertThat(table.find("a\uFFFD\uFFFD")).isEqualTo(-1);
    }

    @Test
    void keepsKeysWithTheSameHashCodeApartAndACopyApartFromLaterKeys() {
        // Proves keys whose String.hashCode is equal ("Aa" and "BB" combined) each get their own index,
        // and a copy answers as the table did when copied, whatever is added to either afterwards.
        KeyTable table = new KeyTable();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1 << 10; i++) {
            StringBuilder key = new StringBuilder();
            for (int bit = 0; bit < 10; bit++) {
                key.append((i >> bit & 1) == 0 ? "Aa" : "BB");
            }
            keys.add(key.toString());
        }
        assertThat(keys.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
        keys.forEach(table::findOrAdd);
        KeyTable copy = table.copy();
        table.findOrAdd("after");
        copy.findOrAdd("only-in-copy");
        assertThat(table.size()).isEqualTo(keys.size() + 1);
        assertThat(copy.size()).isEqualTo(keys.size() + 1);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(table.find(keys.get(i))).isEqualTo(i);
            assertThat(copy.find(keys.get(i))).isEqualTo(i);
            assertThat(copy.key(i)).isEqualTo(keys.get(i));
        }
        assertThat(copy.find("after")).isEqualTo(-1);
        assertThat(table.find("only-in-copy")).isEqualTo(-1);
    }

    @Test
    void packsAPhoneNumberIntoOneLongAndBack() {
        // Proves packing keeps every digit, leading zeros and the longest E.164 number included.
        for (String digits : List.of("447700900123", "0", "007", "999999999999999", "0123456789", "1")) {
            PhoneNumber number = new PhoneNumber(digits);
            assertThat(PackedPhone.unpack(PackedPhone.pack(number))).isEqualTo(number);
        }
        assertThat(PackedPhone.pack(new PhoneNumber("07"))).isNotEqualTo(PackedPhone.pack(new PhoneNumber("7")));
    }

    @Test
    void growsAColumnToAnyIndexAndReadsAnUnsetEntryAsZero() {
        // Proves a column grows past its first length as keys are added, keeping what was set, and unset entries read 0.
        Column.Longs longs = new Column.Longs();
        Column.Ints ints = new Column.Ints();
        for (int i = 0; i < 10_000; i += 7) {
            longs.set(i, -i * 1_000_000_000L);
            ints.set(i, i);
        }
        assertThat(longs.get(9_996)).isEqualTo(-9_996 * 1_000_000_000L);
        assertThat(longs.get(9_997)).isZero();
        assertThat(longs.get(1_000_000)).isZero();
        assertThat(ints.increment(7)).isEqualTo(8);
        assertThat(ints.increment(50_000)).isEqualTo(1);
        longs.add(3, 5);
        assertThat(longs.get(3)).isEqualTo(5);
    }
}
