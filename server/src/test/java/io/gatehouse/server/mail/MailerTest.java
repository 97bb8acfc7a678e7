package io.gatehouse.server.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.GatehouseConfig;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mailer against GreenMail, which speaks real SMTP: plain with authentication, implicit TLS with a certificate
 * from a CA trusted through {@code smtp.trust-ca-file}, and the refusals: a server without STARTTLS, an untrusted
 * certificate, a certificate for another name, a wrong password.
 */
class MailerTest {
    static final String USER = "gatehouse";
    static final String PASSWORD = "smtp-secret";
    static final MailMessage MESSAGE = new MailMessage("vera@example.org", "Hello", "plain text", "<p>html</p>",
            List.of(new MailMessage.InlineImage("dot", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G'})));

    @TempDir
    static Path dir;
    static TestCertificates.Issued certificates;
    static GreenMail plain;
    static GreenMail implicitTls;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.issue(dir);
        // GreenMail reads its TLS key store from these properties when its first TLS server starts.
        System.setProperty("greenmail.tls.keystore.file", certificates.serverKeyStore().toString());
        System.setProperty("greenmail.tls.keystore.password", TestCertificates.STORE_PASSWORD);
        plain = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        plain.withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD));
        plain.start();
        implicitTls = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
        implicitTls.withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD));
        implicitTls.start();
    }

    @AfterAll
    static void stop() {
        plain.stop();
        implicitTls.stop();
    }

    static Mailer mailer(String host, int port, GatehouseConfig.Mail.Tls tls, String password, Optional<Path> ca) {
        return new Mailer(new GatehouseConfig.Mail(Optional.of(host), port, "gatehouse@example.com", tls,
                Optional.of(USER), password, ca), Clock.systemUTC());
    }

    static int received(GreenMail server) {
        return server.getReceivedMessages().length;
    }

    @Test
    void plain_smtp_with_authentication_delivers_text_html_and_the_inline_image() throws Exception {
        int before = received(plain);
        mailer("127.0.0.1", plain.getSmtp().getPort(), GatehouseConfig.Mail.Tls.NONE, PASSWORD, Optional.empty())
                .send(MESSAGE);
        assertThat(received(plain)).isEqualTo(before + 1);
        MimeMessage message = plain.getReceivedMessages()[before];
        assertThat(message.getSubject()).isEqualTo("Hello");
        assertThat(message.getContentType()).startsWith("multipart/alternative");
        String raw = new String(message.getRawInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(raw).contains("multipart/related").contains("Content-ID: <dot>").contains("text/plain")
                .contains("text/html");
    }

    @Test
    void a_wrong_password_fails_the_send_for_a_retry() {
        int before = received(plain);
        assertThatThrownBy(() -> mailer("127.0.0.1", plain.getSmtp().getPort(), GatehouseConfig.Mail.Tls.NONE,
                "wrong", Optional.empty()).send(MESSAGE)).isInstanceOfSatisfying(MailFailure.class,
                failure -> assertThat(failure.permanent()).isFalse());
        assertThat(received(plain)).isEqualTo(before);
    }

    @Test
    void starttls_against_a_server_that_does_not_offer_it_fails_and_never_sends_in_plain_text() {
        int before = received(plain);
        assertThatThrownBy(() -> mailer("127.0.0.1", plain.getSmtp().getPort(), GatehouseConfig.Mail.Tls.STARTTLS,
                PASSWORD, Optional.empty()).send(MESSAGE)).isInstanceOf(MailFailure.class)
                .hasMessageContaining("STARTTLS");
        assertThat(received(plain)).isEqualTo(before);
    }

    @Test
    void starttls_upgrades_and_delivers_when_the_server_offers_it() throws Exception {
        int before = received(plain);
        try (StartTlsRelay relay = new StartTlsRelay(certificates.serverKeyStore(), TestCertificates.STORE_PASSWORD,
                plain.getSmtp().getPort())) {
            mailer("localhost", relay.port(), GatehouseConfig.Mail.Tls.STARTTLS, PASSWORD,
                    Optional.of(certificates.caPem())).send(MESSAGE);
        }
        assertThat(received(plain)).isEqualTo(before + 1);
    }

    @Test
    void implicit_tls_delivers_to_a_server_whose_certificate_chains_to_the_configured_ca() throws Exception {
        int before = received(implicitTls);
        mailer("localhost", implicitTls.getSmtps().getPort(), GatehouseConfig.Mail.Tls.TLS, PASSWORD,
                Optional.of(certificates.caPem())).send(MESSAGE);
        assertThat(received(implicitTls)).isEqualTo(before + 1);
    }

    @Test
    void implicit_tls_refuses_an_untrusted_certificate_and_a_certificate_for_another_name() {
        int before = received(implicitTls);
        assertThatThrownBy(() -> mailer("localhost", implicitTls.getSmtps().getPort(), GatehouseConfig.Mail.Tls.TLS,
                PASSWORD, Optional.empty()).send(MESSAGE)).isInstanceOf(MailFailure.class)
                .hasMessageContaining("PKIX");
        // The certificate names localhost only: reached by its address, the server's identity does not match.
        assertThatThrownBy(() -> mailer("127.0.0.1", implicitTls.getSmtps().getPort(), GatehouseConfig.Mail.Tls.TLS,
                PASSWORD, Optional.of(certificates.caPem())).send(MESSAGE)).isInstanceOf(MailFailure.class);
        assertThat(received(implicitTls)).isEqualTo(before);
    }

    @Test
    void a_trust_file_without_certificates_is_a_configuration_error() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertThatThrownBy(() -> mailer("localhost", 465, GatehouseConfig.Mail.Tls.TLS, PASSWORD,
                Optional.of(empty))).isInstanceOf(ConfigException.class).hasMessageContaining("smtp.trust-ca-file");
    }
}
