package io.gatehouse.server.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.openqa.selenium.By;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's, through its chromedriver) with a virtual platform authenticator that plays a
 * phone: a resident-key authenticator built into the device, with or without user verification. Tests that need it
 * are skipped with a message on a machine without Chromium; CI installs it. Close it at the end of the test.
 */
public final class Browser implements AutoCloseable {
    private final ChromeDriver driver;
    private final DevTools devTools;

    /** The authenticator the phone has. */
    public enum Authenticator {
        /** Verifies the user (a biometric or the device PIN) and does so on every use. */
        USER_VERIFYING,
        /** Can show presence only: no biometric, no PIN. */
        WITHOUT_USER_VERIFICATION
    }

    private Browser(ChromeDriver driver, DevTools devTools) {
        this.driver = driver;
        this.devTools = devTools;
    }

    /** Starts Chromium with {@code authenticator} attached; skips the calling test when Chromium is missing. */
    public static Browser start(Authenticator authenticator) {
        Path chromium = ExternalTool.require("chromium", "chromium");
        Path chromedriver = ExternalTool.require("chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage");
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
            return new Browser(driver, devTools);
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

    @Override
    public void close() {
        try {
            devTools.close();
        } finally {
            driver.quit();
        }
    }
}
