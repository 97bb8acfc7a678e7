package io.gatehouse.server.policy;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.user.Roles;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stores MFA policies per role and computes a user's effective policy. */
public final class PolicyService {
    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public PolicyService(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** The strictest policy over the user's roles; {@link MfaPolicy#DEFAULT} when none of them has one. */
    public MfaPolicy effectiveFor(ReadTx tx, String userId) {
        List<MfaPolicy> policies = tx.query("""
                SELECT p.* FROM role_policies p JOIN user_roles r ON r.role = p.role WHERE r.user_id = ?""",
                PolicyService::read, userId);
        return MfaPolicy.strictest(policies);
    }

    /** The default policy and one page of role policies by role. */
    public Map<String, Object> list(Page page) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT * FROM role_policies" + page.sql("role", false, "role", false, args);
        Page.Slice<Map.Entry<String, Object>> slice = page.slice(database.read(tx -> tx.query(sql,
                rs -> new Page.Keyed<>(Map.<String, Object>entry(rs.getString("role"), read(rs).toJson()),
                        rs.getString("role"), rs.getString("role")), args.toArray())));
        Map<String, Object> roles = new LinkedHashMap<>();
        slice.items().forEach(entry -> roles.put(entry.getKey(), entry.getValue()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("default", MfaPolicy.DEFAULT.toJson());
        result.put("roles", roles);
        result.put("next", slice.next());
        return result;
    }

    public Optional<MfaPolicy> find(String role) {
        return database.read(tx -> tx.queryOne("SELECT * FROM role_policies WHERE role = ?", PolicyService::read,
                role));
    }

    /** Creates or replaces the policy of {@code role}; fields left out take the default's value. */
    public MfaPolicy put(String role, JsonBody body, Principal by, ClientInfo client) {
        Roles.validate(role);
        MfaPolicy d = MfaPolicy.DEFAULT;
        OtpAlgorithm algorithm;
        try {
            algorithm = body.optionalString("algorithm").map(OtpAlgorithm::parse).orElse(d.algorithm());
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_field", "field 'algorithm': " + e.getMessage());
        }
        MfaPolicy policy = new MfaPolicy(
                body.optionalBoolean("totpRequired").orElse(d.totpRequired()),
                algorithm,
                body.optionalInt("digits").orElse(d.digits()),
                body.optionalInt("periodSeconds").orElse(d.periodSeconds()),
                body.optionalInt("lookBehindSteps").orElse(d.lookBehindSteps()),
                body.optionalInt("lookAheadSteps").orElse(d.lookAheadSteps()),
                Duration.ofSeconds(body.optionalInt("enrollmentLinkTtlSeconds")
                        .orElse((int) d.enrollmentLinkTtl().toSeconds())));
        database.inTransaction(tx -> {
            tx.update("""
                    INSERT INTO role_policies (role, totp_required, algorithm, digits, period_seconds, look_behind_steps,
                                               look_ahead_steps, enrollment_ttl_seconds, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (role) DO UPDATE SET totp_required = excluded.totp_required,
                        algorithm = excluded.algorithm, digits = excluded.digits,
                        period_seconds = excluded.period_seconds, look_behind_steps = excluded.look_behind_steps,
                        look_ahead_steps = excluded.look_ahead_steps,
                        enrollment_ttl_seconds = excluded.enrollment_ttl_seconds, updated_at = excluded.updated_at""",
                    role, policy.totpRequired(), policy.algorithm().name(), policy.digits(), policy.periodSeconds(),
                    policy.lookBehindSteps(), policy.lookAheadSteps(), (int) policy.enrollmentLinkTtl().toSeconds(),
                    clock.millis());
            AuditEvent.Builder event = AuditEvent.of(by.actor(), "policy.put", client).subject("role:" + role);
            policy.toJson().forEach(event::detail);
            audit.append(tx, event.success());
            return null;
        });
        return policy;
    }

    public void delete(String role, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (tx.update("DELETE FROM role_policies WHERE role = ?", role) == 0) {
                throw GatehouseException.notFound("policy_not_found", "role '" + role + "' has no policy");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "policy.delete", client).subject("role:" + role).success());
            return null;
        });
    }

    private static MfaPolicy read(ResultSet rs) throws SQLException {
        return new MfaPolicy(rs.getBoolean("totp_required"), OtpAlgorithm.valueOf(rs.getString("algorithm")),
                rs.getInt("digits"), rs.getInt("period_seconds"), rs.getInt("look_behind_steps"),
                rs.getInt("look_ahead_steps"), Duration.ofSeconds(rs.getInt("enrollment_ttl_seconds")));
    }
}
