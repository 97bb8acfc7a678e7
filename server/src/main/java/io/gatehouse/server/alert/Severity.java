package io.gatehouse.server.alert;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How urgent an alert is; the codes are what the API, webhooks and syslog carry. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String code) {
        return Arrays.stream(values()).filter(severity -> severity.code().equals(code)).findFirst();
    }
}
