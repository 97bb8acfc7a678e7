package io.gatehouse.server.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.gatehouse.server.testing.ExternalTool;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** GreenMail as the SMTP server of a test, and what tests read out of the messages it received. */
final class TestMail {
    static final String USER = "gatehouse";
    static final String PASSWORD = "smtp-secret";
    static final String FROM = "gatehouse@example.com";

    private TestMail() {
    }

    /** A plain SMTP server on {@code port} (0: any free one) that takes mail from {@link #USER} only. */
    static GreenMail smtp(int port) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail mail = new GreenMail(port == 0 ? setup.dynamicPort() : setup);
        mail.withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD));
        mail.start();
        return mail;
    }

    /** The server configuration that sends through {@code mail} without TLS, authenticated. */
    static Map<String, String> config(int port) {
        Map<String, String> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", String.valueOf(port));
        config.put("smtp.tls", "none");
        config.put("smtp.from", FROM);
        config.put("smtp.username", USER);
        config.put("smtp.password", PASSWORD);
        return config;
    }

    static MimeMessage awaitOne(GreenMail mail, int expectedTotal) {
        assertThat(mail.waitForIncomingEmail(20_000, expectedTotal)).as("mail received").isTrue();
        MimeMessage[] received = mail.getReceivedMessages();
        return received[received.length - 1];
    }

    /** The inline part of {@code message} whose Content-ID is {@code <contentId>}. */
    static Optional<Part> inline(Part part, String contentId) throws Exception {
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

    /** The first part of the given type (text/plain, text/html), as text. */
    static String text(Part part, String type) throws Exception {
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

    /** The QR code of the message's inline PNG, decoded by zbarimg as a phone's scanner would. */
    static String decodedPass(MimeMessage message, Path dir) throws Exception {
        Path zbarimg = ExternalTool.require("zbarimg", "zbar-tools");
        Part png = inline(message, "visitor-pass-qr").orElseThrow(() -> new AssertionError("no inline QR code"));
        assertThat(png.isMimeType("image/png")).isTrue();
        Path file = Files.createTempFile(dir, "pass", ".png");
        try (var in = png.getInputStream()) {
            Files.write(file, in.readAllBytes());
        }
        ExternalTool.Result decoded = ExternalTool.run(Duration.ofSeconds(30), zbarimg.toString(), "--raw", "-q",
                "--nodbus", file.toString());
        assertThat(decoded.exitCode()).as(decoded.stderr()).isZero();
        return decoded.stdout().strip();
    }

    static String html(MimeMessage message) {
        try {
            return text(message, "text/html");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String plain(MimeMessage message) {
        try {
            return text(message, "text/plain");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
