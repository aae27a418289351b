package org.ringfellow.itests.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.Assume;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through Debian's {@code chromedriver} (Selenium 4), for the
 * integration tests that look at a page as a person would.
 *
 * <p>The browser and the driver are the machine's own ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; {@code -Dchromium.binary} and {@code -Dchromedriver.binary}
 * point elsewhere), never downloaded: Selenium Manager is not asked for anything. As root the
 * browser runs with {@code --no-sandbox}. Each instance has a profile directory of its own that
 * {@link #close()} removes, with the browser and the driver process.
 *
 * <p>Where the binaries are missing the test is skipped, unless
 * {@code -Dringfellow.engines.required=true} (as {@code scripts/test} sets it as root): then it
 * fails, naming what is missing.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** The browser binary used: {@code -Dchromium.binary}, else {@code /usr/bin/chromium}. */
    public static Path browserBinary() {
        return Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    }

    /** The driver binary used: {@code -Dchromedriver.binary}, else {@code /usr/bin/chromedriver}. */
    public static Path driverBinary() {
        return Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    }

    /**
     * Skips the calling test where the browser or its driver is missing, or fails it when the
     * engines are required (CI as root).
     */
    public static void assumeAvailable() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(browserBinary(), driverBinary())) {
            if (!Files.isExecutable(p)) {
                missing.add(p.toString());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "headless browser tests need " + String.join(" and ", missing)
                + " (Debian packages chromium and chromium-driver; scripts/test installs them as root)";
        if (Boolean.getBoolean("ringfellow.engines.required")) {
            throw new AssertionError(message);
        }
        Assume.assumeTrue(message, false);
    }

    /**
     * Starts a headless browser with a window of 1280x900 and a fresh profile.
     *
     * @return the browser, to be closed by the caller
     */
    public static HeadlessChromium start() throws IOException {
        assumeAvailable();
        Path profile = Files.createTempDirectory("rf-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browserBinary().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driverBinary().toFile())
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(DEFAULT_WAIT);
            return new HeadlessChromium(service, driver, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    /** The Selenium driver, for what this class does not wrap. */
    public WebDriver driver() {
        return driver;
    }

    /**
     * Loads a page and waits until the document is complete.
     *
     * @param url the page's address
     */
    public void open(String url) {
        driver.get(url);
        waitUntil("the page " + url + " loaded", DEFAULT_WAIT,
                d -> "complete".equals(driver.executeScript("return document.readyState")) ? Boolean.TRUE : null);
    }

    /**
     * Waits until a condition gives a non-null, non-false value.
     *
     * @param what what is waited for, named in the failure
     * @param timeout how long at most
     * @param condition evaluated against the driver until it holds
     * @param <T> the value's type
     * @return the condition's value
     */
    public <T> T waitUntil(String what, Duration timeout, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(200)).ignoring(RuntimeException.class)
                    .until(condition::apply);
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what
                    + "; browser log: " + browserLog(), e);
        }
    }

    /**
     * Waits until an element is there and displayed.
     *
     * @param locator the element
     * @param timeout how long at most
     * @return the element
     */
    public WebElement waitForVisible(By locator, Duration timeout) {
        return waitUntil(locator + " displayed", timeout, d -> {
            WebElement e = d.findElement(locator);
            return e.isDisplayed() ? e : null;
        });
    }

    /**
     * Evaluates JavaScript in the page.
     *
     * @param script the script's body (use {@code return} for a value)
     * @param args arguments, as {@code arguments[i]}
     * @return the script's value, as Selenium converts it
     */
    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /**
     * Saves a PNG of the viewport (for a person to look at a failure).
     *
     * @param file where to write it
     * @return {@code file}
     */
    public Path screenshot(Path file) throws IOException {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, png);
        return file;
    }

    /** The browser console's messages so far (errors of the page's scripts among them). */
    public List<String> browserLog() {
        List<String> lines = new ArrayList<>();
        try {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                lines.add(e.getLevel() + " " + e.getMessage());
            }
        } catch (RuntimeException e) {
            lines.add("(browser log unavailable: " + e.getMessage() + ")");
        }
        return lines;
    }

    /** Quits the browser, stops the driver and removes the profile. */
    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
