package io.gatehouse.server.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which records a query, an export or a live feed asks for: each present part must match. A door is the subject
 * {@code door:<id>} of its scans; {@code from} is inclusive and {@code to} exclusive.
 */
public record AuditFilter(Optional<String> userId, Optional<String> action, Optional<String> door,
        Optional<String> result, Optional<String> reason, Optional<Instant> from, Optional<Instant> to) {
    /** The subject prefix of the records about a door. */
    static final String DOOR_SUBJECT = "door:";

    public static final AuditFilter ALL = new AuditFilter(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** The parts given, by their query parameter names: what an export records about itself. */
    Map<String, Object> described() {
        Map<String, Object> parts = new LinkedHashMap<>();
        userId.ifPresent(value -> parts.put("userId", value));
        action.ifPresent(value -> parts.put("action", value));
        door.ifPresent(value -> parts.put("door", value));
        result.ifPresent(value -> parts.put("result", value));
        reason.ifPresent(value -> parts.put("reason", value));
        from.ifPresent(value -> parts.put("from", value.toString()));
        to.ifPresent(value -> parts.put("to", value.toString()));
        return parts;
    }

    /** The SQL condition (after {@code WHERE id < ?}) and its arguments, appended to {@code where} and {@code args}. */
    void appendTo(StringBuilder where, java.util.List<Object> args) {
        condition(where, args, "subject_user = ?", userId);
        condition(where, args, "action = ?", action);
        condition(where, args, "subject = ?", door.map(id -> DOOR_SUBJECT + id));
        condition(where, args, "result = ?", result);
        condition(where, args, "reason = ?", reason);
        condition(where, args, "created_at >= ?", from.map(Instant::toEpochMilli));
        condition(where, args, "created_at < ?", to.map(Instant::toEpochMilli));
    }

    private static void condition(StringBuilder where, java.util.List<Object> args, String sql,
            Optional<?> value) {
        value.ifPresent(present -> {
            where.append(" AND ").append(sql);
            args.add(present);
        });
    }

    /** True when {@code entry} matches: the live feed filters what it publishes with this. */
    boolean matches(AuditFeed.Entry entry) {
        return userId.map(id -> id.equals(entry.userId())).orElse(true)
                && action.map(value -> value.equals(entry.action())).orElse(true)
                && door.map(value -> value.equals(entry.door())).orElse(true)
                && result.map(value -> value.equals(entry.result())).orElse(true)
                && reason.map(value -> value.equals(entry.reason())).orElse(true)
                && from.map(value -> !entry.time().isBefore(value)).orElse(true)
                && to.map(value -> entry.time().isBefore(value)).orElse(true);
    }
}
