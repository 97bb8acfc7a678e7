package io.gatehouse.server.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.gatehouse.qr.QrDecoder;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.OpenApiContract;
import io.gatehouse.server.testing.TestServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lobby kiosk in a real Chromium whose camera shows the QR code of an invitation received over SMTP: pairing,
 * check-in by camera and by short code, the host's e-mail, binding the pass to the phone with a passkey, a door
 * that demands a bound pass, and a revoked kiosk refused.
 */
class KioskBrowserTest {
    private static final ZoneId SITE = ZoneId.of("Europe/Zurich");
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Chromium's fake camera takes a while to start on a busy machine. */
    private static final Duration CAMERA_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path data;

    GreenMail smtp;
    TestServer server;
    String lobby;
    String lab;
    String lobbyReader;
    String labReader;
    String hostId;
    MimeMessage lastInvitation;

    @BeforeEach
    void start() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.withConfiguration(GreenMailConfiguration.aConfig().withUser("gatehouse", "smtp-secret"));
        smtp.start();
        Map<String, String> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", String.valueOf(smtp.getSmtp().getPort()));
        config.put("smtp.tls", "none");
        config.put("smtp.from", "gatehouse@example.com");
        config.put("smtp.username", "gatehouse");
        config.put("smtp.password", "smtp-secret");
        config.put("site.time-zone", SITE.getId());
        server = TestServer.startOnLocalhost(data, true, config);
        String siteId = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", SITE.getId()));
        String zoneId = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Ground floor"));
        lobby = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Lobby door"));
        lab = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Lab door",
                "requireBoundPass", true));
        lobbyReader = reader(lobby);
        labReader = reader(lab);
        hostId = server.createdId("/api/v1/users", Map.of("username", "hana.host@example.org", "roles",
                List.of("auditor")));
    }

    @AfterEach
    void stop() {
        server.close();
        smtp.stop();
    }

    @Test
    void a_visitor_checks_in_by_camera_binds_the_phone_and_opens_a_door_that_demands_a_bound_pass()
            throws Exception {
        String pass = invite("vera@example.org", Optional.of(hostId), 1);
        String handle = pass.substring(pass.lastIndexOf('/') + 1);
        Path video = data.resolve("pass.y4m");
        Files.write(video, y4m(pass));
        String kioskId;
        String axe = Axe.require();
        try (Browser browser = Browser.startWithCamera(Browser.Authenticator.USER_VERIFYING, video)) {
            // Pairing: the tablet opens the one-time link and lands on the kiosk page with its credential.
            JsonNode created = server.post("/api/v1/kiosks", Map.of("name", "Front desk")).json();
            kioskId = created.get("id").asText();
            browser.open(created.get("pairingUrl").asText());
            // The kiosk page starts its camera at once, which shows the invitation's QR code: a check-in.
            try {
                browser.waitForVisible("[data-kiosk-welcome]", CAMERA_WAIT);
            } catch (RuntimeException e) {
                throw new AssertionError("no check-in by camera; the kiosk said: "
                        + browser.text("[data-kiosk-camera-status]"), e);
            }
            assertThat(server.get("/api/v1/kiosks/" + kioskId).json().get("state").asText()).isEqualTo("paired");
            assertThat(browser.text("[data-kiosk-welcome]")).contains("Your host has been told").contains("Lobby door")
                    .contains("Lab door").doesNotContain("Vera");
            browser.saveScreenshot("kiosk-welcome-412");
            assertAccessible(browser, axe);

            MimeMessage hostMail = awaitMail(2);
            assertThat(hostMail.getAllRecipients()[0].toString()).isEqualTo("hana.host@example.org");
            assertThat(hostMail.getSubject()).isEqualTo("Your visitor checked in");
            assertThat(text(hostMail, "text/plain")).contains("Vera Visitor checked in at Front desk");
            JsonNode checkIn = auditOf("visitor.check_in");
            assertThat(checkIn.get("actor").asText()).isEqualTo("kiosk:" + kioskId);
            assertThat(checkIn.toString()).doesNotContain("Vera").doesNotContain("vera@");

            // The plain QR code does not open the door that demands a bound pass.
            assertScan(labReader, pass, "deny", "pass_not_bound");

            // The phone scans the kiosk's bind code and registers a passkey for the pass.
            String bindUrl = QrDecoder.decode(dataUrl(browser.waitForNonEmptyAttribute("[data-kiosk-welcome] img",
                    "src", WAIT)));
            assertThat(bindUrl).startsWith(server.gatehouse().baseUrl() + "/pass/bind/");
            browser.open(bindUrl);
            assertAccessible(browser, axe);
            browser.click("[data-pass-bind-button]");
            browser.waitForAttribute("[data-pass-status]", "data-status", WAIT, "done");
            browser.open(bindUrl);
            assertThat(browser.pageSource()).contains("was used already or expired");

            // The bound phone confirms with its passkey and shows a short-lived code the lab's reader relays.
            browser.open(server.gatehouse().baseUrl() + "/pass/" + handle + "/door-code");
            assertAccessible(browser, axe);
            browser.click("[data-pass-code-button]");
            String code = browser.waitForNonEmptyAttribute("[data-pass-code-image]", "data-payload", WAIT);
            assertScan(labReader, code, "grant", null);
            assertScan(labReader, code, "deny", "replayed");
            // The pass allowed one entry, which the lab took.
            assertScan(lobbyReader, pass, "deny", "entries_used_up");

            browser.open(created.get("pairingUrl").asText());
            assertThat(browser.pageSource()).contains("unknown or was used already");

            // Revoked, the kiosk is refused at once.
            assertThat(server.post("/api/v1/kiosks/" + kioskId + "/revoke", Map.of()).status()).isEqualTo(200);
            browser.open(server.gatehouse().baseUrl() + "/kiosk");
            browser.waitForAttribute("main", "data-kiosk", WAIT, "unpaired");
            assertThat(auditOf("kiosk.revoke").get("subject").asText()).isEqualTo("kiosk:" + kioskId);
        }
    }

    @Test
    void a_visitor_checks_in_by_short_code_and_wrong_codes_lock_the_kiosk() throws Exception {
        String pass = invite("walt@example.org", Optional.empty(), 3);
        java.util.regex.Matcher typed = java.util.regex.Pattern.compile("type this code: ([A-Z0-9]{4}-[A-Z0-9]{4})")
                .matcher(text(lastInvitation, "text/plain"));
        assertThat(typed.find()).as("the invitation carries the kiosk code").isTrue();
        String shortCode = typed.group(1);
        assertThat(text(lastInvitation, "text/html")).contains(shortCode);
        String axe = Axe.require();
        JsonNode created = server.post("/api/v1/kiosks", Map.of("name", "Side entrance")).json();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(created.get("pairingUrl").asText());
            browser.waitForAttribute("main", "data-kiosk", WAIT, "idle");
            browser.resize(1280, 900);
            assertAccessible(browser, axe);
            browser.saveScreenshot("kiosk-idle-1280");
            browser.type("#code", shortCode.toLowerCase(java.util.Locale.ROOT));
            browser.click(".code-form button");
            browser.waitForVisible("[data-kiosk-welcome]", WAIT);
            assertThat(browser.text("[data-kiosk-welcome]")).contains("You are checked in");
            assertAccessible(browser, axe);
        }

        // Over HTTP with a kiosk of its own: five wrong codes in a row lock its code entry for a minute.
        HttpClient http = HttpClient.newHttpClient();
        String cookie = pairOverHttp(http, server.post("/api/v1/kiosks", Map.of("name", "Back door")).json()
                .get("pairingUrl").asText());
        for (int i = 1; i <= 4; i++) {
            assertThat(typeCode(http, cookie, "ZZZZ-ZZZZ").statusCode()).isEqualTo(404);
        }
        assertThat(typeCode(http, cookie, "ZZZZ-ZZZZ").statusCode()).isEqualTo(429);
        assertThat(typeCode(http, cookie, shortCode).statusCode()).as("locked even for the right code")
                .isEqualTo(429);
        assertThat(auditOf("kiosk.short_code").get("reason").asText()).isEqualTo("kiosk_locked");
        server.clock().advance(Duration.ofSeconds(61));
        HttpResponse<String> after = typeCode(http, cookie, shortCode);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("You had checked in already");
        // A form from another site is refused.
        HttpResponse<String> foreign = checked(http.send(HttpRequest.newBuilder(server.uri("/kiosk/check-in"))
                .header("Cookie", cookie).header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=" + shortCode)).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertThat(foreign.statusCode()).isEqualTo(403);
        // The invitation's pass page binds too: its form gives the pass's holder a fresh bind link.
        String handle = pass.substring(pass.lastIndexOf('/') + 1);
        assertThat(server.get("/visit/" + handle).text()).contains("/pass/" + handle + "/bind");
        HttpResponse<String> bind = checked(http.send(HttpRequest.newBuilder(server.uri("/pass/" + handle + "/bind"))
                .header("Origin", "null").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertThat(bind.statusCode()).isEqualTo(303);
        assertThat(bind.headers().firstValue("Location").orElseThrow()).startsWith("/pass/bind/");
        // Without a kiosk credential there is no kiosk page.
        assertThat(server.get("/kiosk").status()).isEqualTo(401);
    }

    private String pairOverHttp(HttpClient http, String pairingUrl) throws Exception {
        HttpResponse<String> paired = checked(http.send(HttpRequest.newBuilder(URI.create(pairingUrl)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
        assertThat(paired.statusCode()).isEqualTo(303);
        String setCookie = paired.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** Holds an answer to the API contract, as {@code TestServer} does with its own. */
    private static HttpResponse<String> checked(HttpResponse<String> response) {
        OpenApiContract.get().check(response);
        return response;
    }

    private HttpResponse<String> typeCode(HttpClient http, String cookie, String code) throws Exception {
        return checked(http.send(HttpRequest.newBuilder(server.uri("/kiosk/check-in")).header("Cookie", cookie)
                .header("Origin", server.gatehouse().baseUrl().toString().replaceAll("/$", ""))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=" + code)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private void assertAccessible(Browser browser, String axe) {
        for (int width : new int[] {1280, 390}) {
            browser.resize(width, 900);
            assertThat(browser.accessibilityViolations(axe)).as("axe at " + width + " px").isEqualTo("[]");
        }
    }

    private String reader(String doorId) {
        return server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "reader")).json().get("credential")
                .asText();
    }

    /** Invites a visitor through the API and returns the pass's QR text, decoded from the e-mail received. */
    private String invite(String email, Optional<String> host, int maxEntries) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Vera Visitor");
        body.put("email", email);
        body.put("doorIds", List.of(lobby, lab));
        body.put("from", local(Duration.ofMinutes(-5)));
        body.put("until", local(Duration.ofHours(3)));
        body.put("maxEntries", maxEntries);
        host.ifPresent(id -> body.put("hostUserId", id));
        HttpResult invited = server.post("/api/v1/visitors", body);
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        MimeMessage mail = awaitMail(smtp.getReceivedMessages().length + 1);
        lastInvitation = mail;
        Part png = inline(mail, "visitor-pass-qr").orElseThrow();
        try (var in = png.getInputStream()) {
            return QrDecoder.decode(in.readAllBytes());
        }
    }

    private String local(Duration offset) {
        return LocalDateTime.ofInstant(server.clock().instant().plus(offset), SITE).truncatedTo(ChronoUnit.MINUTES)
                .toString();
    }

    private MimeMessage awaitMail(int total) {
        assertThat(smtp.waitForIncomingEmail(20_000, total)).as("mail received").isTrue();
        MimeMessage[] received = smtp.getReceivedMessages();
        return received[received.length - 1];
    }

    private void assertScan(String reader, String payload, String decision, String reason) {
        JsonNode answer = server.post("/api/v1/scans", Map.of("payload", payload), reader).json();
        assertThat(answer.get("decision").asText()).as(answer.toString()).isEqualTo(decision);
        assertThat(answer.path("reason").isNull() || answer.path("reason").isMissingNode() ? null
                : answer.get("reason").asText()).as(answer.toString()).isEqualTo(reason);
    }

    private JsonNode auditOf(String action) {
        server.sealAudit();
        JsonNode items = server.get("/api/v1/audit?action=" + action).json().get("records");
        assertThat(items.size()).as("audit records of " + action).isPositive();
        return items.get(0);
    }

    private static byte[] dataUrl(String src) {
        assertThat(src).startsWith("data:image/png;base64,");
        return Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()));
    }

    /**
     * A Y4M video (two 640x480 frames, 4:2:0) of the pass's QR code on white, as a camera in front of a phone would
     * show it; Chromium loops it as its fake camera.
     */
    private static byte[] y4m(String pass) throws Exception {
        BufferedImage code = ImageIO.read(new ByteArrayInputStream(io.gatehouse.qr.QrCode.encode(pass,
                io.gatehouse.qr.ErrorCorrection.M).toPng(8)));
        int width = 640;
        int height = 480;
        BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int size = 400;
        g.drawImage(code, (width - size) / 2, (height - size) / 2, size, size, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("YUV4MPEG2 W" + width + " H" + height + " F10:1 Ip A1:1 C420jpeg\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (int f = 0; f < 2; f++) {
            out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int rgb = frame.getRGB(x, y);
                    int luma = (int) Math.round(0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff)
                            + 0.114 * (rgb & 0xff));
                    out.write(luma);
                }
            }
            byte[] chroma = new byte[width / 2 * height / 2];
            java.util.Arrays.fill(chroma, (byte) 128);
            out.write(chroma);
            out.write(chroma);
        }
        return out.toByteArray();
    }

    private static Optional<Part> inline(Part part, String contentId) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                Optional<Part> found = inline(multipart.getBodyPart(i), contentId);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        String[] ids = part.getHeader("Content-ID");
        return ids != null && ids[0].equals("<" + contentId + ">") ? Optional.of(part) : Optional.empty();
    }

    private static String text(Part part, String type) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                String found = text(child, type);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return part.isMimeType(type) ? (String) part.getContent() : null;
    }
}
