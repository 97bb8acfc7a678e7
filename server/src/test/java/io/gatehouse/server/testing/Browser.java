package io.gatehouse.server.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.v156.webauthn.WebAuthn;
import org.openqa.selenium.devtools.v156.webauthn.model.AuthenticatorId;
import org.openqa.selenium.devtools.v156.webauthn.model.AuthenticatorProtocol;
import org.openqa.selenium.devtools.v156.webauthn.model.AuthenticatorTransport;
import org.openqa.selenium.devtools.v156.webauthn.model.VirtualAuthenticatorOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's, through its chromedriver) with a virtual platform authenticator that plays a
 * phone: a resident-key authenticator built into the device, with or without user verification. Tests that need it
 * are skipped with a message on a machine without Chromium; CI installs it. Close it at the end of the test.
 */
public final class Browser implements AutoCloseable {
    private final ChromeDriver driver;
    private final DevTools devTools;
    private final AuthenticatorId authenticatorId;

    /** The authenticator the phone has. */
    public enum Authenticator {
        /** Verifies the user (a biometric or the device PIN) and does so on every use. */
        USER_VERIFYING,
        /** Can show presence only: no biometric, no PIN. */
        WITHOUT_USER_VERIFICATION
    }

    private Browser(ChromeDriver driver, DevTools devTools, AuthenticatorId authenticatorId) {
        this.driver = driver;
        this.devTools = devTools;
        this.authenticatorId = authenticatorId;
    }

    /** Starts Chromium with {@code authenticator} attached; skips the calling test when Chromium is missing. */
    public static Browser start(Authenticator authenticator) {
        return start(authenticator, java.util.List.of());
    }

    /**
     * Starts Chromium whose camera shows {@code video} (a Y4M or MJPEG file, looped) and is allowed without asking:
     * a kiosk's camera in front of a visitor's QR code.
     */
    public static Browser startWithCamera(Authenticator authenticator, Path video) {
        return start(authenticator, java.util.List.of("--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--use-file-for-fake-video-capture=" + video.toAbsolutePath()));
    }

    private static Browser start(Authenticator authenticator, java.util.List<String> extraArguments) {
        Path chromium = ExternalTool.require("chromium", "chromium");
        Path chromedriver = ExternalTool.require("chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                // A phone's screen, so that a page is seen as a phone shows it.
                "--window-size=412,915");
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            DevTools devTools = driver.getDevTools();
            devTools.createSession();
            devTools.send(WebAuthn.enable(Optional.empty()));
            boolean verifies = authenticator == Authenticator.USER_VERIFYING;
            AuthenticatorId id = devTools.send(WebAuthn.addVirtualAuthenticator(new VirtualAuthenticatorOptions(
                    AuthenticatorProtocol.CTAP2, Optional.empty(), AuthenticatorTransport.INTERNAL,
                    Optional.of(true), Optional.of(verifies), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true),
                    Optional.of(verifies), Optional.empty(), Optional.empty())));
            if (id == null) {
                throw new IllegalStateException("Chromium added no virtual authenticator");
            }
            return new Browser(driver, devTools, id);
        } catch (RuntimeException e) {
            driver.quit();
            throw e;
        }
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Clicks the element {@code css} names. */
    public void click(String css) {
        driver.findElement(By.cssSelector(css)).click();
    }

    /** Waits up to {@code timeout} until the element {@code css} names has {@code attribute} set to one of values. */
    public WebElement waitForAttribute(String css, String attribute, Duration timeout, String... values) {
        return new WebDriverWait(driver, timeout).until(browser -> {
            WebElement element = browser.findElement(By.cssSelector(css));
            String value = element.getDomAttribute(attribute);
            for (String wanted : values) {
                if (wanted.equals(value)) {
                    return element;
                }
            }
            return null;
        });
    }

    /** Whether the authenticator's next check of the user succeeds: false plays a finger it does not know. */
    public void userVerifies(boolean verifies) {
        devTools.send(WebAuthn.setUserVerified(authenticatorId, verifies));
    }

    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    /** Waits up to {@code timeout} until an element matching {@code css} is shown; returns it. */
    public WebElement waitForVisible(String css, Duration timeout) {
        return new WebDriverWait(driver, timeout).until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits up to {@code timeout} until the element {@code css} names has a non-empty {@code attribute}. */
    public String waitForNonEmptyAttribute(String css, String attribute, Duration timeout) {
        return new WebDriverWait(driver, timeout).until(browser -> {
            String value = browser.findElement(By.cssSelector(css)).getDomAttribute(attribute);
            return value == null || value.isEmpty() ? null : value;
        });
    }

    /** Gives the browser a cookie for the site it shows now (open a page of that site first). */
    public void addCookie(String name, String value) {
        driver.manage().addCookie(new org.openqa.selenium.Cookie.Builder(name, value).path("/").isHttpOnly(true)
                .sameSite("Strict").build());
    }

    /** Types {@code text} into the field {@code css} names, replacing what it held. */
    public void type(String css, String text) {
        WebElement field = driver.findElement(By.cssSelector(css));
        field.clear();
        field.sendKeys(text);
    }

    /** Presses {@code keys} (Selenium's {@code Keys}, or text) as a keyboard would: into the focused element. */
    public void press(CharSequence... keys) {
        new org.openqa.selenium.interactions.Actions(driver).sendKeys(keys).perform();
    }

    /** {@code attribute} of the element that has the focus; null when it does not have it. */
    public String focusedAttribute(String attribute) {
        return driver.switchTo().activeElement().getDomAttribute(attribute);
    }

    /** The role and the accessible name the browser computes for the element {@code css} names: "role: name". */
    public String accessibleRoleAndName(String css) {
        WebElement element = driver.findElement(By.cssSelector(css));
        return element.getAriaRole() + ": " + element.getAccessibleName();
    }

    /** Whether the page is wider than the window, so that a phone would scroll sideways. */
    public boolean scrollsSideways() {
        return Boolean.TRUE.equals(driver.executeScript("return document.documentElement.scrollWidth"
                + " > document.documentElement.clientWidth"));
    }

    /** The visible text of the element {@code css} names. */
    public String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    /** How many elements {@code css} matches now. */
    public int count(String css) {
        return driver.findElements(By.cssSelector(css)).size();
    }

    /** The page's markup as the browser holds it now. */
    public String pageSource() {
        return driver.getPageSource();
    }

    /** Sets the window's size: 1280 for a desk, 390 for a phone. */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }

    /** Waits up to {@code timeout} until the browser shows a URL that {@code matches} accepts; returns it. */
    public String waitForUrl(java.util.function.Predicate<String> matches, Duration timeout) {
        return new WebDriverWait(driver, timeout).until(browser -> matches.test(browser.getCurrentUrl())
                ? browser.getCurrentUrl() : null);
    }

    /** Waits up to {@code timeout} until the page shows {@code text} somewhere. */
    public void waitForText(String text, Duration timeout) {
        new WebDriverWait(driver, timeout).until(browser -> browser.getPageSource().contains(text) ? true : null);
    }

    /**
     * Keeps a PNG of the whole window as a test artifact under {@code target/screenshots/{name}.png}, where the
     * build's reports are.
     */
    public Path saveScreenshot(String name) {
        Path file = Path.of("target", "screenshots", name + ".png");
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    /** A PNG of what the element {@code css} names shows on the screen. */
    public byte[] screenshot(String css) {
        return driver.findElement(By.cssSelector(css)).getScreenshotAs(OutputType.BYTES);
    }

    /**
     * Runs axe-core in the page and returns its violations as JSON (an empty array when there are none). WebDriver's
     * scripts run outside the page's Content-Security-Policy, so the page's own policy stays as it is.
     */
    public String accessibilityViolations(String axeSource) {
        driver.executeScript(axeSource);
        Object violations = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact,"
                + " help: v.help, nodes: v.nodes.map(n => n.target)})))))"
                + ".catch(e => done('axe failed: ' + e))");
        return String.valueOf(violations);
    }

    @Override
    public void close() {
        try {
            devTools.close();
        } finally {
            driver.quit();
        }
    }
}
