package io.gatehouse.server.mail;

import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.GatehouseConfig;
import jakarta.activation.DataHandler;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends mail through the configured SMTP server (Angus Mail). Transport security is as configured and never
 * weaker: {@code starttls} requires the upgrade (a server that does not offer it fails the send, it is never
 * continued in plain text), {@code tls} speaks TLS from the first byte, {@code none} is for a relay on a trusted
 * network. Under TLS the server's certificate must chain to the JVM's trust store or to the CAs of
 * {@code smtp.trust-ca-file}, and its name must match the configured host. Every socket operation has a timeout, so
 * a server that stops answering cannot hold the sender.
 */
public final class Mailer implements MailTransport {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

    private final GatehouseConfig.Mail config;
    private final Session session;
    private final String protocol;
    private final Clock clock;

    public Mailer(GatehouseConfig.Mail config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.protocol = config.tls() == GatehouseConfig.Mail.Tls.TLS ? "smtps" : "smtp";
        this.session = Session.getInstance(properties(config, protocol));
    }

    private static Properties properties(GatehouseConfig.Mail config, String protocol) {
        String prefix = "mail." + protocol;
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", protocol);
        properties.put(prefix + ".host", config.host().orElseThrow(() -> new IllegalStateException(
                "no SMTP host is configured")));
        properties.put(prefix + ".port", String.valueOf(config.port()));
        properties.put(prefix + ".from", config.from());
        properties.put(prefix + ".connectiontimeout", String.valueOf(CONNECT_TIMEOUT.toMillis()));
        properties.put(prefix + ".timeout", String.valueOf(IO_TIMEOUT.toMillis()));
        properties.put(prefix + ".writetimeout", String.valueOf(IO_TIMEOUT.toMillis()));
        properties.put(prefix + ".auth", String.valueOf(config.username().isPresent()));
        switch (config.tls()) {
            case STARTTLS -> {
                properties.put(prefix + ".starttls.enable", "true");
                properties.put(prefix + ".starttls.required", "true");
                tls(properties, prefix, config);
            }
            case TLS -> {
                properties.put(prefix + ".ssl.enable", "true");
                tls(properties, prefix, config);
            }
            case NONE -> properties.put(prefix + ".starttls.enable", "false");
        }
        return properties;
    }

    private static void tls(Properties properties, String prefix, GatehouseConfig.Mail config) {
        properties.put(prefix + ".ssl.checkserveridentity", "true");
        properties.put(prefix + ".ssl.protocols", "TLSv1.3 TLSv1.2");
        config.trustCaFile().ifPresent(file -> properties.put(prefix + ".ssl.socketFactory", trusting(file)));
    }

    /** A socket factory that trusts exactly the CA certificates of a PEM file. */
    private static SSLSocketFactory trusting(java.nio.file.Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore roots = KeyStore.getInstance("PKCS12");
            roots.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                roots.setCertificateEntry("ca-" + index++, certificate);
            }
            if (index == 0) {
                throw new ConfigException(java.util.List.of("smtp.trust-ca-file: expected a PEM file of CA certificates,"
                        + " got " + pemFile + ", which holds none"));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(roots);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(java.util.List.of("smtp.trust-ca-file: expected a PEM file of CA certificates,"
                    + " got " + pemFile + ", which does not read as one: " + e.getMessage()));
        }
    }

    @Override
    public void send(MailMessage message) throws MailFailure {
        MimeMessage mime;
        try {
            mime = mime(message);
        } catch (MessagingException e) {
            throw new MailFailure("the message could not be built: " + e.getMessage(), true, e);
        }
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(config.username().orElse(null), config.username().isPresent() ? config.password()
                    : null);
            transport.sendMessage(mime, mime.getAllRecipients());
        } catch (SMTPAddressFailedException | SMTPSendFailedException e) {
            int code = e instanceof SMTPAddressFailedException address ? address.getReturnCode()
                    : ((SMTPSendFailedException) e).getReturnCode();
            throw new MailFailure("the SMTP server refused the message: " + oneLine(e), code >= 500, e);
        } catch (SendFailedException e) {
            throw new MailFailure("the SMTP server refused the recipient: " + oneLine(e), true, e);
        } catch (MessagingException e) {
            throw new MailFailure("sending through " + config.host().orElseThrow() + ":" + config.port()
                    + " failed: " + oneLine(e), false, e);
        }
    }

    /**
     * The plain text and, as its alternative, the HTML with its inline images: multipart/alternative holding
     * text/plain and multipart/related (text/html, then each image by its Content-ID).
     */
    private MimeMessage mime(MailMessage message) throws MessagingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(new InternetAddress(config.from(), true));
        mime.setRecipients(MimeMessage.RecipientType.TO, new Address[] {new InternetAddress(message.to(), true)});
        mime.setSubject(message.subject(), "UTF-8");
        mime.setSentDate(Date.from(clock.instant()));

        MimeBodyPart text = new MimeBodyPart();
        text.setText(message.text(), "UTF-8", "plain");
        MimeMultipart related = new MimeMultipart("related");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(message.html(), "UTF-8", "html");
        related.addBodyPart(html);
        for (MailMessage.InlineImage image : message.images()) {
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(image.bytes(), image.mediaType())));
            part.setContentID("<" + image.contentId() + ">");
            part.setDisposition(Part.INLINE);
            part.setFileName(image.contentId() + (image.mediaType().equals("image/png") ? ".png" : ""));
            related.addBodyPart(part);
        }
        MimeBodyPart relatedPart = new MimeBodyPart();
        relatedPart.setContent(related);
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(relatedPart);
        mime.setContent(alternative);
        mime.saveChanges();
        return mime;
    }

    /** The exception's message and its causes', on one line, for the outbox's last error. */
    private static String oneLine(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null && text.length() < 400; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                text.append(text.isEmpty() ? "" : ": ").append(cause.getMessage().strip());
            }
        }
        String line = text.toString().replaceAll("\\s+", " ");
        return line.length() > 400 ? line.substring(0, 400) : line;
    }
}
