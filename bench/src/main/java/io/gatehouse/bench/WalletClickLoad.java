package io.gatehouse.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.v156.webauthn.WebAuthn;
import org.openqa.selenium.devtools.v156.webauthn.model.AuthenticatorProtocol;
import org.openqa.selenium.devtools.v156.webauthn.model.AuthenticatorTransport;
import org.openqa.selenium.devtools.v156.webauthn.model.VirtualAuthenticatorOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web wallet from the click on "Show door code" to the QR code on the screen (issue 9; target: median ≤ 300
 * ms), in headless Chromium on loopback against the real server in its own JVM ({@link LoadServer}, SQLite).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.gatehouse.bench.WalletClickLoad \
 *     [--jar dist/target/gatehouse.jar] [--warmup 5] [--clicks 50] [--health-fetches 200]
 *     [--chromium /usr/bin/chromium] [--chromedriver /usr/bin/chromedriver] [--server-opts "-Xmx512m"] [--keep-log]
 * </pre>
 *
 * <p>What it does: starts the server with {@code http://localhost:PORT} as its public base URL; over the admin API
 * makes a site, zone, door, an access rule for role {@code staff} and a user with that role, and a device enrollment
 * link; opens the link in Chromium, whose CDP virtual authenticator (CTAP2, internal, resident key, user
 * verification) plays the phone, clicks "register passkey" and follows the page to the wallet. Then it clicks
 * "Show door code" {@code --warmup} times unmeasured and {@code --clicks} times measured, each click one WebAuthn
 * assertion and one mint ({@code POST /api/v1/wallet/door-code/options}, then {@code POST /api/v1/wallet/door-code}).
 *
 * <p>Each click is timed twice. In the page, by a script this class injects through WebDriver (the product pages
 * are unchanged): {@code performance.now()} in a capturing click listener, and again in the
 * {@code requestAnimationFrame} callback after a MutationObserver saw {@code data-door-code} set and the QR
 * {@code <img>} decoded, i.e. the frame that shows the code. From Java: {@code System.nanoTime()} before WebDriver's
 * click until the injected script reports that frame (so WebDriver's own round trips are in it). The script also
 * reads the two fetches' durations from the Resource Timing entries.
 *
 * <p>Floors in the same run: the round trip of {@code GET /health/live} fetched from the same page in a loop, and
 * the server-side time of the two endpoints from the server's access log ({@code gatehouse.access}, the time
 * Javalin reports for each request).
 */
public final class WalletClickLoad {
    private static final String REGISTER = "[data-action=\"register-passkey\"]";
    private static final String SHOW_CODE = "[data-action=\"show-door-code\"]";
    private static final String STATUS = "[role=\"status\"]";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final double TARGET_MILLIS = 300;
    private static final Pattern ACCESS = Pattern.compile(
            "POST (/api/v1/wallet/door-code(?:/options)?) (\\d{3}) ([0-9]+[.,][0-9]+)ms");

    /**
     * Installed once on the wallet page. {@code next(done)} hands {@code done} the next finished click: its times
     * in milliseconds of the page's clock, or the refusal the page showed.
     */
    private static final String PROBE = """
            const button = document.querySelector('[data-action="show-door-code"]');
            const image = document.querySelector('[data-qr]');
            const payload = document.querySelector('[data-door-code]');
            const status = document.querySelector('[role="status"]');
            const finished = [];
            let waiter = null;
            let clicked = null;
            function finish(result) {
              clicked = null;
              if (waiter) { const w = waiter; waiter = null; w(result); } else { finished.push(result); }
            }
            function fetched(path, since) {
              const entries = performance.getEntriesByType('resource')
                  .filter(e => new URL(e.name).pathname === path && e.startTime >= since);
              return entries.length ? entries[entries.length - 1].responseEnd - entries[entries.length - 1].startTime
                  : -1;
            }
            document.addEventListener('click', e => {
              if (button.contains(e.target)) { clicked = performance.now(); }
            }, true);
            new MutationObserver(() => {
              if (clicked === null || !payload.getAttribute('data-door-code')) { return; }
              const start = clicked;
              const set = performance.now();
              clicked = null;
              image.decode().catch(() => {}).then(() => requestAnimationFrame(() => {
                const painted = performance.now();
                const result = {clickToSet: set - start, clickToPainted: painted - start,
                    options: fetched('/api/v1/wallet/door-code/options', start),
                    doorCode: fetched('/api/v1/wallet/door-code', start)};
                performance.clearResourceTimings();
                finish(result);
              }));
            }).observe(payload, {attributes: true, attributeFilter: ['data-door-code']});
            new MutationObserver(() => {
              if (clicked !== null && status.dataset.status === 'refused') {
                finish({refused: status.textContent});
              }
            }).observe(status, {attributes: true, attributeFilter: ['data-status']});
            window.walletClickProbe = {next: done => {
              if (finished.length) { done(finished.shift()); } else { waiter = done; }
            }};
            """;

    private static final String HEALTH_LOOP = """
            const done = arguments[arguments.length - 1];
            const n = arguments[0];
            (async () => {
              const times = [];
              for (let i = 0; i < n; i++) {
                const start = performance.now();
                const response = await fetch('/health/live', {cache: 'no-store'});
                await response.text();
                times.push(performance.now() - start);
              }
              return times;
            })().then(done, e => done('health fetch failed: ' + e));
            """;

    private String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private Path jar = Path.of("dist/target/gatehouse.jar");
    private Path chromium = Path.of("/usr/bin/chromium");
    private Path chromedriver = Path.of("/usr/bin/chromedriver");
    private int warmup = 5;
    private int clicks = 50;
    private int healthFetches = 200;
    private List<String> serverOpts = List.of();
    private boolean keepLog;

    /** One measured click, in milliseconds; a fetch the page kept no timing of is -1. */
    record Click(double clickToSet, double clickToPainted, double javaSide, double options, double doorCode) {
    }

    public static void main(String[] args) throws Exception {
        WalletClickLoad load = new WalletClickLoad();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--jar" -> load.jar = Path.of(value);
                case "--java" -> load.javaBin = value;
                case "--chromium" -> load.chromium = Path.of(value);
                case "--chromedriver" -> load.chromedriver = Path.of(value);
                case "--warmup" -> load.warmup = Integer.parseInt(value);
                case "--clicks" -> load.clicks = Integer.parseInt(value);
                case "--health-fetches" -> load.healthFetches = Integer.parseInt(value);
                case "--server-opts" -> load.serverOpts = List.of(value.trim().split("\\s+"));
                case "--keep-log" -> {
                    load.keepLog = true;
                    i--; // a flag without a value
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; see the class"
                        + " comment of " + WalletClickLoad.class.getName());
            }
            i++;
        }
        if (load.warmup < 0 || load.clicks < 1 || load.clicks > 10_000 || load.healthFetches < 1) {
            throw new IllegalArgumentException("expected --warmup >= 0, 1 <= --clicks <= 10000, --health-fetches >= 1");
        }
        System.out.println(load.run());
    }

    String run() throws Exception {
        LoadServer.requireJar(jar);
        for (Path tool : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(tool)) {
                throw new IllegalStateException(tool + " is missing: install Debian's chromium and chromium-driver");
            }
        }
        Path data = Files.createTempDirectory("gatehouse-wallet-click-");
        log("machine: %d processors; load average %s; jar %s (modified %s)", Runtime.getRuntime()
                .availableProcessors(), LoadServer.loadAverage(), jar, Files.getLastModifiedTime(jar).toInstant());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        LoadServer server = new LoadServer(javaBin, jar, serverOpts, data);
        try {
            URI base = server.startOnLocalhost(http);
            TotpLoad.Api api = new TotpLoad.Api(http, base, server.adminToken());
            log("server pid %d on %s", server.pid(), base);
            String enrollmentUrl = enrollmentLink(api);
            ChromeDriver driver = chromium();
            try {
                enrollThisPhone(driver, enrollmentUrl);
                driver.executeScript(PROBE);
                for (int i = 0; i < warmup; i++) {
                    click(driver);
                }
                int logLinesBefore = accessTimes(data).size();
                List<Click> measured = new ArrayList<>();
                for (int i = 0; i < clicks; i++) {
                    measured.add(click(driver));
                }
                double[] health = health(driver);
                // Read after the health loop: Javalin logs a request after its answer has been sent.
                List<double[]> all = accessTimes(data);
                List<double[]> serverTimes = all.subList(logLinesBefore, all.size());
                String loadAfter = LoadServer.loadAverage();
                return report(measured, serverTimes, health, loadAfter);
            } finally {
                driver.quit();
            }
        } finally {
            server.close();
            LoadServer.delete(data, keepLog);
            if (keepLog) {
                log("server log kept in %s", data.resolve("server.log"));
            }
        }
    }

    private static String enrollmentLink(TotpLoad.Api api) throws IOException, InterruptedException {
        String site = api.send("POST", "/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"), 201)
                .get("id").asText();
        String zone = api.send("POST", "/api/v1/zones", Map.of("siteId", site, "name", "Offices"), 201)
                .get("id").asText();
        api.send("POST", "/api/v1/doors", Map.of("zoneId", zone, "name", "Main entrance"), 201);
        api.send("POST", "/api/v1/access-rules", Map.of("zoneId", zone, "role", "staff"), 201);
        String user = api.send("POST", "/api/v1/users", Map.of("username", "ada", "roles", List.of("staff")), 201)
                .get("id").asText();
        return api.send("POST", "/api/v1/users/" + user + "/device-enrollments", Map.of(), 201)
                .get("enrollmentUrl").asText();
    }

    /** Chromium with a phone's screen and a phone's authenticator: built in, resident keys, verifies the user. */
    private ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                "--window-size=412,915");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            DevTools devTools = driver.getDevTools();
            devTools.createSession();
            devTools.send(WebAuthn.enable(Optional.empty()));
            devTools.send(WebAuthn.addVirtualAuthenticator(new VirtualAuthenticatorOptions(
                    AuthenticatorProtocol.CTAP2, Optional.empty(), AuthenticatorTransport.INTERNAL,
                    Optional.of(true), Optional.of(true), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true),
                    Optional.of(true), Optional.empty(), Optional.empty())));
            driver.manage().timeouts().scriptTimeout(WAIT);
            return driver;
        } catch (RuntimeException e) {
            driver.quit();
            throw e;
        }
    }

    private static void enrollThisPhone(ChromeDriver driver, String enrollmentUrl) {
        driver.get(enrollmentUrl);
        driver.findElement(By.cssSelector(REGISTER)).click();
        WebElement status = new WebDriverWait(driver, WAIT).until(browser -> {
            WebElement element = browser.findElement(By.cssSelector(STATUS));
            String state = element.getDomAttribute("data-status");
            return "registered".equals(state) || "refused".equals(state) ? element : null;
        });
        if (!"registered".equals(status.getDomAttribute("data-status"))) {
            throw new IllegalStateException("the passkey was not registered: " + status.getText());
        }
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(SHOW_CODE)));
        log("passkey registered; wallet at %s", driver.getCurrentUrl());
    }

    private static Click click(ChromeDriver driver) {
        WebElement button = new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.elementToBeClickable(By.cssSelector(SHOW_CODE)));
        long start = System.nanoTime();
        button.click();
        Object answer = driver.executeAsyncScript("window.walletClickProbe.next(arguments[arguments.length - 1]);");
        double javaSide = (System.nanoTime() - start) / 1e6;
        if (!(answer instanceof Map<?, ?> times) || times.containsKey("refused")) {
            throw new IllegalStateException("the wallet showed no code: " + answer);
        }
        return new Click(number(times, "clickToSet"), number(times, "clickToPainted"), javaSide,
                number(times, "options"), number(times, "doorCode"));
    }

    private static double number(Map<?, ?> times, String key) {
        return ((Number) times.get(key)).doubleValue();
    }

    /** Round trips of {@code GET /health/live} from the wallet page, in milliseconds, the first tenth dropped. */
    private double[] health(ChromeDriver driver) {
        int warm = healthFetches / 10;
        Object answer = driver.executeAsyncScript(HEALTH_LOOP, warm + healthFetches);
        if (!(answer instanceof List<?> times)) {
            throw new IllegalStateException(String.valueOf(answer));
        }
        return times.stream().skip(warm).mapToDouble(t -> ((Number) t).doubleValue()).toArray();
    }

    /** {route is options ? 0 : 1, milliseconds} of each 200 answer of the two endpoints, in the log's order. */
    private static List<double[]> accessTimes(Path data) throws IOException {
        List<double[]> times = new ArrayList<>();
        // The JSON log format escapes every slash.
        Matcher m = ACCESS.matcher(Files.readString(data.resolve("server.log")).replace("\\/", "/"));
        while (m.find()) {
            if (m.group(2).equals("200")) {
                times.add(new double[] {m.group(1).endsWith("/options") ? 0 : 1,
                    Double.parseDouble(m.group(3).replace(',', '.'))});
            }
        }
        return times;
    }

    // ---- The report -----------------------------------------------------------------------------------

    /** The nearest-rank percentile of {@code values}; NaN for none. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String row(String what, double[] values) {
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", what, values.length,
                percentile(values, 50), percentile(values, 95), values.length == 0 ? Double.NaN
                : Arrays.stream(values).max().orElseThrow());
    }

    private String report(List<Click> measured, List<double[]> serverTimes, double[] health, String loadAfter) {
        double[] painted = measured.stream().mapToDouble(Click::clickToPainted).toArray();
        double[] set = measured.stream().mapToDouble(Click::clickToSet).toArray();
        double[] java = measured.stream().mapToDouble(Click::javaSide).toArray();
        double[] options = measured.stream().mapToDouble(Click::options).filter(t -> t >= 0).toArray();
        double[] doorCode = measured.stream().mapToDouble(Click::doorCode).filter(t -> t >= 0).toArray();
        double[] rest = measured.stream().filter(c -> c.options() >= 0 && c.doorCode() >= 0)
                .mapToDouble(c -> c.clickToPainted() - c.options() - c.doorCode()).toArray();
        double[] serverOptions = serverTimes.stream().filter(t -> t[0] == 0).mapToDouble(t -> t[1]).toArray();
        double[] serverDoorCode = serverTimes.stream().filter(t -> t[0] == 1).mapToDouble(t -> t[1]).toArray();
        double median = percentile(painted, 50);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nWeb wallet: click to QR code on screen (WalletClickLoad; headless"
                + " Chromium, virtual authenticator; server in its own JVM, SQLite; loopback; %d warm-up + %d measured"
                + " clicks; load average at the end %s)%n%n", warmup, measured.size(), loadAfter));
        out.append("| ms | n | median | p95 | max |\n|---|---:|---:|---:|---:|\n");
        out.append(row("**click → QR frame, in the page**", painted));
        out.append(row("click → data-door-code set, in the page", set));
        out.append(row("click → QR frame, from Java (WebDriver click + script round trips)", java));
        out.append(row("fetch door-code/options (Resource Timing)", options));
        out.append(row("fetch door-code (Resource Timing)", doorCode));
        out.append(row("rest: WebAuthn assertion + page script + decode + frame", rest));
        out.append(row("floor: server time of door-code/options (access log)", serverOptions));
        out.append(row("floor: server time of door-code (access log)", serverDoorCode));
        out.append(row("floor: fetch GET /health/live from the page", health));
        out.append(String.format(Locale.ROOT, "%nmedian / target = %.1f / %.0f ms = %.2f (target met: %s); p95 %.1f"
                + " ms%n", median, TARGET_MILLIS, median / TARGET_MILLIS, median <= TARGET_MILLIS ? "yes" : "NO",
                percentile(painted, 95)));
        return out.toString();
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[wallet-click %tT] %s%n", System.currentTimeMillis(),
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
