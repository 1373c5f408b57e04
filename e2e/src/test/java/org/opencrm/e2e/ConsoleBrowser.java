package org.opencrm.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Debian's chromedriver (no browser download: {@code ./crm test} installs
 * both with apt), logged in to the console through the identity app's login form like a person, with a
 * screenshot of each screen under {@code e2e/target/console-screenshots}.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("crm.e2e.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("crm.e2e.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of(System.getProperty("crm.e2e.screenshots", "target/console-screenshots"));
    /** Rules and notifications travel through Kafka: how long the page may take to show their outcome. */
    static final Duration STEP = Duration.ofSeconds(60);

    private final Path profile;
    final ChromeDriver driver;

    ConsoleBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The console's browser tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver"
                    + " (./crm test installs them when it runs as root)");
        }
        try {
            profile = Files.createTempDirectory("crm-console-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // this machine's network is closed: no background connections, no component updates, no QUIC
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--lang=en-US",
                "--user-data-dir=" + profile);
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 900));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    /** Opens the console as a stranger would: redirected to the identity app's form, back after signing in. */
    void logIn(String user) {
        // cookies are per host, not per port: this forgets both the console's and the identity app's session
        if (driver.getCurrentUrl().startsWith("http")) {
            driver.manage().deleteAllCookies();
        }
        driver.get(LocalPlatform.GATEWAY + "/");
        var username = waitFor(ExpectedConditions.visibilityOfElementLocated(By.name("username")));
        username.sendKeys(user);
        driver.findElement(By.name("password")).sendKeys("demo");
        driver.findElement(By.cssSelector("button[type=submit], input[type=submit]"))
                .click();
        waitFor(ExpectedConditions.textToBe(By.id("user-name"), displayNameOf(user)));
        // English, whatever an earlier user chose
        driver.executeScript("localStorage.setItem('crm.language', 'en')");
    }

    void go(String route) {
        driver.get(LocalPlatform.GATEWAY + "/#/" + route);
        driver.navigate().refresh();
        waitFor(d -> !d.findElements(By.cssSelector("main[data-view='" + route.split("/")[0] + "']"))
                        .isEmpty()
                && d.findElements(By.xpath("//main/p[contains(@class,'muted') and text()='Loading…']"))
                        .isEmpty());
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        return waitFor(condition, Duration.ofSeconds(20));
    }

    /**
     * Views re-render on live updates, so an element found by a condition may be replaced before it is read: that
     * is a "not yet", not a failure.
     */
    <T> T waitFor(Function<WebDriver, T> condition, Duration atMost) {
        return new WebDriverWait(driver, atMost, Duration.ofMillis(250))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Reloads the view until the condition holds: what the services do through Kafka lands a moment later. */
    <T> T reloadUntil(String route, Function<WebDriver, T> condition) {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (true) {
            go(route);
            try {
                return waitFor(condition, Duration.ofSeconds(3));
            } catch (org.openqa.selenium.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /**
     * Drags a card with the pointer, in small steps, as a hand does (the board listens to pointer events), from
     * its body (not its link or list); found again if the board re-rendered meanwhile (a live update).
     */
    void drag(By card, String stage) {
        for (int attempt = 1; ; attempt++) {
            try {
                var handle = driver.findElement(card).findElement(By.cssSelector(".card-meta"));
                var to = driver.findElement(By.cssSelector("section.column[data-stage='" + stage + "']"));
                new Actions(driver)
                        .moveToElement(handle)
                        .clickAndHold()
                        .moveByOffset(12, 12)
                        .moveToElement(to)
                        .moveByOffset(0, 30)
                        .release()
                        .perform();
                return;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String displayNameOf(String user) {
        return switch (user) {
            case "admin" -> "Ada Admin";
            case "head-of-sales" -> "Hugo Head";
            case "manager-1" -> "Mia Manager";
            case "manager-2" -> "Max Manager";
            case "measurer" -> "Mark Measurer";
            case "installer" -> "Ivan Installer";
            case "operator" -> "Olga Operator";
            case "analyst" -> "Anna Analyst";
            default -> user;
        };
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
