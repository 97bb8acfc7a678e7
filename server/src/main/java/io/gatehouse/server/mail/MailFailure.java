package io.gatehouse.server.mail;

/**
 * A message the SMTP server did not take. {@code permanent} when trying again cannot help (the server refused the
 * recipient or the message with a 5xx answer); otherwise the outbox tries again later.
 */
public final class MailFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean permanent;

    public MailFailure(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
