package org.appealdesk.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.appealdesk.support.TempDirectories;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium from Debian (/usr/bin/chromium, driven by /usr/bin/chromedriver), so
 * nothing is downloaded; axe-core comes from src/test/js/node_modules (installed by .ci/run with
 * npm ci), injected into pages, never fetched. Screenshots are kept under target/screenshots.
 *
 * <p>Where Chromium or axe-core is missing, browser tests are skipped with a message that says
 * what to install, except under CI, where they fail: CI installs both, so missing means broken.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path AXE = Path.of("src/test/js/node_modules/axe-core/axe.min.js");
    static final Path SCREENSHOTS = Path.of("target/screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() {
        requirePresent(CHROMIUM, "Debian's chromium package (apt-get install chromium chromium-driver)");
        requirePresent(CHROMEDRIVER, "Debian's chromium-driver package (apt-get install chromium chromium-driver)");
        requirePresent(AXE, "axe-core (npm ci --prefix src/test/js)");
        try {
            Path profile = Files.createTempDirectory("appealdesk-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // Root needs --no-sandbox; the rest keeps Chromium off the (closed) network and quiet.
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--disable-features=Translate,MediaRouter,OptimizationHints", "--user-data-dir=" + profile, "--window-size=412,915", "--lang=en-GB");
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(30));
            return new Browser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requirePresent(Path path, String what) {
        if (Files.exists(path)) {
            return;
        }
        // Never skipped: `./appealdesk test` and .ci/run install these first (.ci/install-test-tools).
        throw new IllegalStateException(path + " is missing: the browser tests need " + what + "; run .ci/install-test-tools");
    }

    /** Saves what the page looks like now as target/screenshots/NAME.png (a test artefact). */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        TempDirectories.deleteQuietly(profile); // a temporary profile left behind is harmless
    }
}
