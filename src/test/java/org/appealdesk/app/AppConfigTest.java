package org.appealdesk.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.appealdesk.platform.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

    private static final Path REFERENCE = Path.of("config/reference-appeal.json");

    private static AppConfig readWith(Path directory, String from, String to) throws IOException {
        String text = Files.readString(REFERENCE);
        assertThat(text).contains(from);
        Path file = directory.resolve("config.json");
        Files.writeString(file, text.replace(from, to));
        return AppConfig.read(file, Map.of("APPEALDESK_DB_PASSWORD", "pw")::get);
    }

    /** The reference configuration with {@code settings} (JSON members) added to its database block. */
    private static AppConfig readWithDatabase(Path directory, String settings) throws IOException {
        return readWith(directory, "\"poolSize\": 16", "\"poolSize\": 16, " + settings);
    }

    @Test
    void theShippedReferenceConfigurationIsTheReferenceAppeal() {
        // Proves: the example config reads cleanly and says what the seed promises: SUN to 70141, £3/£5/£10, British Red Cross, capped fund with overflow.
        AppConfig config = AppConfig.read(REFERENCE, Map.<String, String>of()::get);
        var appeal = config.catalog().bySlug("sun-ukraine").orElseThrow();
        assertThat(appeal.routes()).singleElement().satisfies(route -> {
            assertThat(route.shortcode()).isEqualTo("70141");
            assertThat(route.keyword()).isEqualTo("SUN");
        });
        assertThat(appeal.prices()).contains(Money.ofPounds(3), Money.ofPounds(5), Money.ofPounds(10));
        assertThat(appeal.charity().name()).isEqualTo("British Red Cross");
        assertThat(appeal.designated().cap()).isEqualTo(Money.ofPounds(250_000));
        assertThat(appeal.overflow().slug()).isEqualTo("disaster-fund");
        assertThat(appeal.maxPerText()).isEqualTo(Money.ofPounds(20));
        assertThat(appeal.dailyCapPerNumber()).isEqualTo(Money.ofPounds(30));
        assertThat(config.embeddedDatabase()).isTrue();
        assertThat(config.smsc()).hasSize(1);
        assertThat(config.charging().partMaxByNetwork()).containsEntry("three", Money.ofPounds(10));
        assertThat(config.batching().textWriters()).isEqualTo(1);
        assertThat(config.batching().texts().lingerMax()).isEqualTo(Duration.ofMillis(Core.Batching.TEXT_LINGER_MS_DEFAULT));
        assertThat(config.batching().events().lingerMax()).isEqualTo(Duration.ofMillis(Core.Batching.EVENT_LINGER_MS_DEFAULT));
        assertThat(config.batching().eventWriters()).isEqualTo(Core.Batching.EVENT_WRITERS_DEFAULT);
    }

    @Test
    void intakeWritersAreReadAndBoundedByThePool(@TempDir Path directory) throws IOException {
        // Proves: database.intakeWriters reaches the core's batching, and more writers than half the pool (or 8) is refused by name.
        assertThat(readWithDatabase(directory, "\"intakeWriters\": 3").batching().textWriters()).isEqualTo(3);
        assertThatThrownBy(() -> readWith(directory, "\"poolSize\": 16", "\"poolSize\": 8, \"intakeWriters\": 5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database.intakeWriters must be 1-4");
        assertThatThrownBy(() -> readWithDatabase(directory, "\"intakeWriters\": 0"))
                .hasMessageContaining("database.intakeWriters");
    }

    @Test
    void eventWritersAreReadAndBoundedByThePoolWithTheIntakeWriters(@TempDir Path directory) throws IOException {
        // Proves: database.eventWriters reaches the core's batching, more than one with the intake writers above half the pool is refused by
        // name, and configurations valid before the setting existed still are.
        assertThat(readWithDatabase(directory, "\"eventWriters\": 2").batching().eventWriters()).isEqualTo(2);
        assertThatThrownBy(() -> readWith(directory, "\"poolSize\": 16", "\"poolSize\": 8, \"intakeWriters\": 2, \"eventWriters\": 3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database.eventWriters").hasMessageContaining("half of poolSize 8");
        assertThatThrownBy(() -> readWithDatabase(directory, "\"eventWriters\": 0"))
                .hasMessageContaining("database.eventWriters");
        // The one event writer there always was does not count against the intake's half: these started before eventWriters.
        assertThat(readWith(directory, "\"poolSize\": 16", "\"poolSize\": 8, \"intakeWriters\": 4").batching().eventWriters()).isEqualTo(1);
        assertThat(readWith(directory, "\"poolSize\": 16", "\"poolSize\": 2").batching().eventWriters()).isEqualTo(1);
    }

    @Test
    void lingersAreReadAndBounded(@TempDir Path directory) throws IOException {
        // Proves: database.textLingerMs and eventLingerMs reach their group commits (0, no linger, included), and a value
        // out of range or not a whole number is refused by name rather than read as the default.
        Core.Batching both = readWithDatabase(directory, "\"textLingerMs\": 3, \"eventLingerMs\": 9").batching();
        assertThat(both.texts().lingerMax()).isEqualTo(Duration.ofMillis(3));
        assertThat(both.events().lingerMax()).isEqualTo(Duration.ofMillis(9));
        assertThatThrownBy(() -> readWithDatabase(directory, "\"eventLingerMs\": 51"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database.eventLingerMs must be 0-50 ms, got 51 ms");
        assertThat(readWithDatabase(directory, "\"textLingerMs\": 7").batching().texts().lingerMax())
                .isEqualTo(Duration.ofMillis(7));
        assertThat(readWithDatabase(directory, "\"textLingerMs\": 0").batching().texts().lingerMax())
                .isZero();
        assertThatThrownBy(() -> readWithDatabase(directory, "\"textLingerMs\": 51"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database.textLingerMs must be 0-50 ms, got 51 ms");
        assertThatThrownBy(() -> readWithDatabase(directory, "\"textLingerMs\": -1"))
                .hasMessageContaining("database.textLingerMs must be 0-50 ms");
        assertThatThrownBy(() -> readWithDatabase(directory, "\"textLingerMs\": \"4ms\""))
                .hasMessageContaining("database.textLingerMs must be a whole number");
        assertThatThrownBy(() -> readWithDatabase(directory, "\"textLingerMs\": 4.5"))
                .hasMessageContaining("database.textLingerMs must be a whole number");
        // The bound is the acting stage's linger (the acting stage waits at least as long as the intake); it is a literal
        // only because option help texts need a constant.
        assertThat(Duration.ofMillis(Core.Batching.LINGER_MS_MAX)).isEqualTo(org.appealdesk.donation.TextIntakeService.ACTING_LINGER_DEFAULT);
    }

    @Test
    void theDatabasesWholeNumbersAreNeverReadAsTheirDefaults(@TempDir Path directory) {
        // Proves: poolSize and the writer counts given as text or a fraction are refused by name, not silently read as
        // the default or rounded down.
        assertThatThrownBy(() -> readWith(directory, "\"poolSize\": 16", "\"poolSize\": \"sixteen\""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database.poolSize must be a whole number");
        assertThatThrownBy(() -> readWithDatabase(directory, "\"intakeWriters\": \"two\""))
                .hasMessageContaining("database.intakeWriters must be a whole number");
        assertThatThrownBy(() -> readWithDatabase(directory, "\"eventWriters\": 2.7"))
                .hasMessageContaining("database.eventWriters must be a whole number");
    }

    @Test
    void badSettingsStopStartUpNamingTheSetting(@TempDir Path directory) {
        // Proves: a wrong value is refused with a message that names where it is, including the legal £40 ceiling.
        assertThatThrownBy(() -> readWith(directory, "\"maxPerText\": \"20\"", "\"maxPerText\": \"50\""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appeals[0]").hasMessageContaining("maxPerText");
        assertThatThrownBy(() -> readWith(directory, "\"dailyCapPerNumber\": \"30\"", "\"dailyCapPerNumber\": \"41\""))
                .hasMessageContaining("dailyCapPerNumber");
        assertThatThrownBy(() -> readWith(directory, "\"windowSize\": 100", "\"windowSize\": 0"))
                .hasMessageContaining("smsc[0]").hasMessageContaining("windowSize");
        assertThatThrownBy(() -> readWith(directory, "\"port\": 8080", "\"port\": 70000"))
                .hasMessageContaining("http.port");
        assertThatThrownBy(() -> readWith(directory, "\"reportWaitSeconds\": 600", "\"reportWaitSeconds\": 0"))
                .hasMessageContaining("charging");
        assertThatThrownBy(() -> readWith(directory, "\"keyword\": \"SUN\"", "\"keyword\": \"sun 5\""))
                .hasMessageContaining("keyword");
        assertThatThrownBy(() -> readWith(directory, "\"url\": \"embedded\"", "\"url\": \"mysql://x\""))
                .hasMessageContaining("database");
    }
}
