package org.appealdesk.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Phone-number encryption and hashing with reused ciphers, and random tokens. */
class SecretsTest {

    private final PhoneVault vault = PhoneVault.fromBase64Key(PhoneVault.newBase64Key());

    @Test
    void numbersSealedAndOpenedFromManyThreadsAtOnceComeBackAsTheyWent() throws Exception {
        // Proves: the pooled ciphers and MACs give correct, independent results under concurrency (virtual threads too),
        // every sealing uses a fresh nonce, and the hash is the same for the same number whichever thread computed it.
        List<Future<Boolean>> results = new ArrayList<>();
        Set<String> sealedForms = java.util.concurrent.ConcurrentHashMap.newKeySet();
        byte[] annaHash = vault.hash(PhoneNumber.parse("447700900001"));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 64; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        PhoneNumber number = PhoneNumber.parse("4477009" + String.format("%05d", (offset * 200 + i) % 100_000));
                        byte[] sealed = vault.encrypt(number);
                        sealedForms.add(java.util.HexFormat.of().formatHex(sealed));
                        if (!vault.decrypt(sealed).equals(number)) {
                            return false;
                        }
                        if (!java.util.Arrays.equals(vault.hash(PhoneNumber.parse("447700900001")), annaHash)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
        assertThat(sealedForms).as("a fresh nonce every time").hasSize(64 * 200);
    }

    @Test
    void anAlteredOrForeignValueDoesNotOpenAndTheVaultStillWorksAfterwards() {
        PhoneNumber number = PhoneNumber.parse("447700900002");
        byte[] sealed = vault.encrypt(number);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> vault.decrypt(sealed)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not open");
        PhoneVault other = PhoneVault.fromBase64Key(PhoneVault.newBase64Key());
        assertThatThrownBy(() -> other.decrypt(vault.encrypt(number))).isInstanceOf(IllegalArgumentException.class);
        assertThat(vault.decrypt(vault.encrypt(number))).isEqualTo(number);
        assertThat(other.hash(number)).isNotEqualTo(vault.hash(number));
    }

    @Test
    void keyedTokensNameTheirIdAndNothingElseParsesAsOne() {
        // Proves: a keyed token is the id in base 62 then 12 random characters, gives its id back, and differs each time for the
        // same id; a token too short (the 12-character tokens of before V9), too long, not base 62 or beyond a long names no id.
        for (long id : new long[]{0, 1, 61, 62, 3_843, 3_844, 111_217, 916_132_831, Long.MAX_VALUE}) {
            String token = Tokens.keyed(id);
            assertThat(token).matches("[0-9A-Za-z]{13,23}");
            assertThat(Tokens.keyOf(token)).as("id %d from %s", id, token).hasValue(id);
            assertThat(Tokens.keyed(id)).isNotEqualTo(token);
        }
        assertThat(Tokens.keyed(0)).startsWith("0").hasSize(13);
        assertThat(Tokens.keyed(62)).startsWith("10").hasSize(14);
        assertThat(Tokens.keyed(Long.MAX_VALUE)).startsWith("AzL8n0Y58m7").hasSize(23);
        assertThat(Tokens.keyOf("AbCdEfGhIjKl")).as("12 characters: no id").isEmpty();
        assertThat(Tokens.keyOf("AzL8n0Y58m8" + "AbCdEfGhIjKl")).as("beyond a long").isEmpty();
        assertThat(Tokens.keyOf("100000000000" + "AbCdEfGhIjKl")).as("12 digits").isEmpty();
        assertThat(Tokens.keyOf("1-" + "AbCdEfGhIjKl")).isEmpty();
        assertThat(Tokens.keyOf("1" + "AbCdEfGhIjK!")).as("outside base 62 in the random part").isEmpty();
        assertThat(Tokens.keyOf(null)).isEmpty();
        assertThatThrownBy(() -> Tokens.keyed(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensAreBase62OfTheAskedLengthAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        int[] perCharacter = new int[128];
        for (int i = 0; i < 20_000; i++) {
            String token = Tokens.random(12);
            assertThat(token).hasSize(12).matches("[0-9A-Za-z]{12}");
            assertThat(seen.add(token)).isTrue();
            token.chars().forEach(c -> perCharacter[c]++);
        }
        assertThat(Tokens.random(1)).hasSize(1);
        assertThat(Tokens.random(80)).hasSize(80);
        // 240,000 characters over 62 symbols: about 3,871 each; a biased mapping (e.g. byte % 62) would give
        // the first 8 symbols ~25% more. Bounds at about ±8 standard deviations, so this never flakes.
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        alphabet.chars().forEach(c -> assertThat(perCharacter[c]).as("count of %c", (char) c).isBetween(3_370, 4_370));
    }
}
