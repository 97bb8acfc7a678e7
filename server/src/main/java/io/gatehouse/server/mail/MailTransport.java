package io.gatehouse.server.mail;

/** What delivers a message: the SMTP {@link Mailer}, or a stand-in where no SMTP server is configured. */
@FunctionalInterface
public interface MailTransport {
    void send(MailMessage message) throws MailFailure;
}
