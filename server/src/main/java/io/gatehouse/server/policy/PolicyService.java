package io.gatehouse.server.policy;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.user.Roles;
import io.gatehouse.server.user.UserService;
import java.time.Clock;
import java.util.Collection;
import java.util.Optional;

/** Stores MFA policies per role and computes a user's effective policy. */
public final class PolicyService {
    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final UserService users;

    public PolicyService(Database database, AuditLog audit, Clock clock, UserService users) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.users = users;
    }

    /** The strictest policy over the user's roles; {@link MfaPolicy#DEFAULT} when none of them has one. */
    public MfaPolicy effectiveFor(ReadTx tx, String userId) {
        return effectiveFor(tx, users.rolesOf(tx, userId));
    }

    /** The strictest policy over {@code roles}; {@link MfaPolicy#DEFAULT} when none of them has one. */
    public MfaPolicy effectiveFor(ReadTx tx, Collection<String> roles) {
        return MfaPolicy.strictest(PolicyStore.forRoles(tx, roles));
    }

    /** One page of role policies by role. */
    public Page.Slice<RolePolicy> list(Page page) {
        return database.read(tx -> PolicyStore.list(tx, page));
    }

    public Optional<MfaPolicy> find(String role) {
        return database.read(tx -> PolicyStore.find(tx, Roles.validate(role)));
    }

    /**
     * Adds to {@code batch} what the strictest policy over the roles of the user named by {@code usernameKey} needs;
     * the result is {@link MfaPolicy#DEFAULT} when none of them has one (or there is no such user).
     */
    public Tx.Result<MfaPolicy> effectiveFor(Tx.Batch batch, String usernameKey) {
        return PolicyStore.forUsername(batch, usernameKey).map(MfaPolicy::strictest);
    }

    /** Creates or replaces the policy of {@code role}. */
    public MfaPolicy put(String role, PolicyChange change, Principal by, ClientInfo client) {
        Roles.validate(role);
        MfaPolicy policy = change.toPolicy();
        database.inTransaction(tx -> {
            PolicyStore.put(tx, role, policy, clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "policy.put", client).subject("role:" + role)
                    .fields(PolicyView.of(policy)).success());
            return null;
        });
        return policy;
    }

    public void delete(String role, Principal by, ClientInfo client) {
        Roles.validate(role);
        database.inTransaction(tx -> {
            if (!PolicyStore.delete(tx, role)) {
                throw GatehouseException.notFound("policy_not_found", "role '" + role + "' has no policy");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "policy.delete", client).subject("role:" + role).success());
            return null;
        });
    }
}
