package io.gatehouse.server.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What happened, before it is written: who did it ({@code actor}), what ({@code action}, a dotted name such as
 * {@code totp.verify}), to whom ({@code subjectUser}, a user id, and {@code subject}, any other object), with which
 * {@code result} and {@code reason}, from where, plus free-form {@code details}.
 *
 * <p>The details are a map on purpose: every feature records what matters for its own action (the roles before and
 * after, the ended links, a policy's settings), and the log stores them as one JSON object that it neither reads nor
 * checks, only authenticates. A fixed type here would make the audit log know every feature's values.
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

        /** Adds each property of {@code value}, a record, as a detail under its JSON name. */
        public Builder fields(Record value) {
            Json.MAPPER.convertValue(value, new TypeReference<LinkedHashMap<String, Object>>() { })
                    .forEach(this::detail);
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
