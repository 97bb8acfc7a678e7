package io.gatehouse.server.policy;

import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The table {@code role_policies}: one MFA policy per role. */
final class PolicyStore {
    private static final String COLUMNS = "role, totp_required, algorithm, digits, period_seconds,"
            + " look_behind_steps, look_ahead_steps, enrollment_ttl_seconds, console_totp_sign_in, sign_in_methods,"
            + " phishing_resistant_sign_in, step_up_when_flagged";

    private PolicyStore() {
    }

    static Optional<MfaPolicy> find(ReadTx tx, String role) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM role_policies WHERE role = ?", PolicyStore::read, role)
                .map(RolePolicy::policy);
    }

    /** The policies of those of {@code roles} that have one. */
    static List<MfaPolicy> forRoles(ReadTx tx, Collection<String> roles) {
        if (roles.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", Collections.nCopies(roles.size(), "?"));
        return tx.query("SELECT " + COLUMNS + " FROM role_policies WHERE role IN (" + marks + ")",
                PolicyStore::read, roles.toArray()).stream().map(RolePolicy::policy).toList();
    }

    /**
     * Adds to {@code batch} the query of the policies of the roles of the user whose name has {@code usernameKey}
     * (through the user feature's view {@code user_role_names}), so that a check reads them in the round trip that
     * locks the user.
     */
    static Tx.Result<List<MfaPolicy>> forUsername(Tx.Batch batch, String usernameKey) {
        return batch.query("SELECT " + COLUMNS + " FROM role_policies WHERE role IN (SELECT role FROM"
                + " user_role_names WHERE username_key = ?)", PolicyStore::read, usernameKey)
                .map(rows -> rows.stream().map(RolePolicy::policy).toList());
    }

    /** One page of role policies by role. */
    static Page.Slice<RolePolicy> list(ReadTx tx, Page page) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM role_policies" + page.sql("role", false, "role", false, args);
        return page.slice(tx.query(sql, rs -> {
            RolePolicy stored = read(rs);
            return new Page.Keyed<>(stored, stored.role(), stored.role());
        }, args.toArray()));
    }

    static void put(Tx tx, String role, MfaPolicy policy, long now) {
        tx.update("""
                INSERT INTO role_policies (role, totp_required, algorithm, digits, period_seconds, look_behind_steps,
                                           look_ahead_steps, enrollment_ttl_seconds, console_totp_sign_in,
                                           sign_in_methods, phishing_resistant_sign_in, step_up_when_flagged,
                                           updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (role) DO UPDATE SET totp_required = excluded.totp_required,
                    algorithm = excluded.algorithm, digits = excluded.digits,
                    period_seconds = excluded.period_seconds, look_behind_steps = excluded.look_behind_steps,
                    look_ahead_steps = excluded.look_ahead_steps,
                    enrollment_ttl_seconds = excluded.enrollment_ttl_seconds,
                    console_totp_sign_in = excluded.console_totp_sign_in,
                    sign_in_methods = excluded.sign_in_methods,
                    phishing_resistant_sign_in = excluded.phishing_resistant_sign_in,
                    step_up_when_flagged = excluded.step_up_when_flagged,
                    updated_at = excluded.updated_at""",
                role, policy.totpRequired(), policy.algorithm().name(), policy.digits(), policy.periodSeconds(),
                policy.lookBehindSteps(), policy.lookAheadSteps(), (int) policy.enrollmentLinkTtl().toSeconds(),
                policy.consoleTotpSignIn(), String.join(" ", SignInMethod.codes(policy.signInMethods())),
                policy.phishingResistantSignIn(), policy.stepUpWhenFlagged(), now);
    }

    /** Deletes the role's policy; false when it had none. */
    static boolean delete(Tx tx, String role) {
        return tx.update("DELETE FROM role_policies WHERE role = ?", role) > 0;
    }

    /**
     * A stored policy. Only this server writes the table, and only policies it accepted, so a value it would refuse
     * (an unknown algorithm, 7 digits) means the row was altered behind its back: the server's problem, not the
     * client's.
     */
    private static RolePolicy read(ResultSet rs) throws SQLException {
        String role = rs.getString("role");
        try {
            return new RolePolicy(role, new MfaPolicy(rs.getBoolean("totp_required"),
                    OtpAlgorithm.valueOf(rs.getString("algorithm")), rs.getInt("digits"), rs.getInt("period_seconds"),
                    rs.getInt("look_behind_steps"), rs.getInt("look_ahead_steps"),
                    Duration.ofSeconds(rs.getInt("enrollment_ttl_seconds")), rs.getBoolean("console_totp_sign_in"),
                    SignInMethod.parseAll("sign_in_methods", List.of(rs.getString("sign_in_methods").split(" "))),
                    rs.getBoolean("phishing_resistant_sign_in"), rs.getBoolean("step_up_when_flagged")));
        } catch (IllegalArgumentException | GatehouseException e) {
            throw GatehouseException.corrupt("the policy of role '" + role + "' in role_policies: " + e.getMessage(),
                    e);
        }
    }
}
