package io.gatehouse.server.audit;

import io.gatehouse.server.common.ClientInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What happened, before it is written: who did it ({@code actor}), what ({@code action}, a dotted name such as
 * {@code totp.verify}), to whom ({@code subjectUser}, a user id, and {@code subject}, any other object), with which
 * {@code result} and {@code reason}, from where, plus free-form {@code details}.
 */
public record AuditEvent(
        String actor,
        String action,
        String subjectUser,
        String subject,
        String result,
        String reason,
        ClientInfo client,
        Map<String, Object> details) {

    public AuditEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(result, "result");
        client = client == null ? new ClientInfo(null, null) : client;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** Starts an event for {@code action} done by {@code actor}. */
    public static Builder of(String actor, String action, ClientInfo client) {
        return new Builder(actor, action, client);
    }

    /** Fluent construction, because most events set only a few of the optional fields. */
    public static final class Builder {
        private final String actor;
        private final String action;
        private final ClientInfo client;
        private String subjectUser;
        private String subject;
        private String reason;
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder(String actor, String action, ClientInfo client) {
            this.actor = actor;
            this.action = action;
            this.client = client;
        }

        public Builder user(String userId) {
            this.subjectUser = userId;
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder detail(String key, Object value) {
            if (value != null) {
                details.put(key, value);
            }
            return this;
        }

        public AuditEvent result(String result) {
            return new AuditEvent(actor, action, subjectUser, subject, result, reason, client, details);
        }

        public AuditEvent success() {
            return result("success");
        }
    }
}
