package io.gatehouse.server.console;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Role;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.server.totp.Verdict;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.util.Optional;

/**
 * Signing in to the console, or verifying again, with a TOTP code or a recovery code: only for people whose every
 * role policy allows it ({@code consoleTotpSignIn}); everyone else signs in with a passkey. The code is checked by
 * the same verifier as the API's, with its throttling, lockout, replay rules and audit records.
 */
public final class CodeSignIn {
    /** One answer for every refusal but a lockout, so that the form tells no one which usernames exist. */
    /** A correct code of a flagged person whose policy asks for more (docs/operations.md, "Alerts"). */
    private static final String STEP_UP = "this sign-in needs a stronger way right now: use your passkey or your"
            + " phone instead of a code";
    private static final String REFUSED = "the username or code is wrong, or this account signs in with a passkey";

    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final PolicyService policies;
    private final TotpVerifier verifier;
    private final ConsoleSessions sessions;

    public CodeSignIn(Database database, AuditLog audit, UserService users, PolicyService policies,
            TotpVerifier verifier, ConsoleSessions sessions) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.policies = policies;
        this.verifier = verifier;
        this.sessions = sessions;
    }

    /**
     * Signs in with a code: 1 the username names a person 2 who is active and holds a console role, 3 whose policy
     * allows signing in with a code, 4 and the code is their current TOTP code (digits) or one of their recovery
     * codes. Steps 1 to 3 are checked before the code, so a refused account spends none of its codes; each refusal is
     * audited with its reason.
     */
    public ConsoleSessions.Started signIn(String username, String code, ClientInfo client) {
        User person = allowed(username, client);
        String method = check(person, code, client);
        return database.inTransaction(tx -> sessions.start(tx, person.id(), method, "user:" + person.id(), client));
    }

    /** A fresh verification with a code, for a session whose person may use one; as {@link #signIn} checks. */
    public void verify(ConsoleSessions.Signed signed, String code, ClientInfo client) {
        User person = allowed(signed.user().username(), client);
        check(person, code, client);
        sessions.verifiedWithCode(signed, client);
    }

    /** Whether the person may sign in with a code, for the pages that offer the form. */
    public boolean allows(User person) {
        return database.read(tx -> policies.effectiveFor(tx, person.roles())).consoleTotpSignIn();
    }

    private User allowed(String username, ClientInfo client) {
        Optional<User> person = users.idOfUsername(username == null ? "" : username)
                .flatMap(id -> database.read(tx -> users.find(tx, id)));
        String refusal = person.isEmpty() ? "user_not_found" : !person.get().active() ? "user_suspended"
                : !Role.anyConsoleRole(person.get().roles()) ? "no_console_role"
                : !allows(person.get()) ? "code_sign_in_not_allowed" : null;
        if (refusal != null) {
            database.inTransaction(tx -> {
                audit.append(tx, AuditEvent.of("console", "console.sign_in", client)
                        .user(person.map(User::id).orElse(null)).reason(refusal).detail("method", "code")
                        .result("denied"));
                return null;
            });
            throw GatehouseException.unauthenticated("sign_in_refused", REFUSED);
        }
        return person.get();
    }

    /** Checks the code with the API's verifier; the method it proved. */
    private String check(User person, String code, ClientInfo client) {
        boolean totp = code != null && !code.isEmpty() && code.chars().allMatch(c -> c >= '0' && c <= '9');
        TotpVerifier.Verification verification = new TotpVerifier.Verification(person.username(), code,
                "console", client);
        Verdict verdict = totp ? verifier.verifyTotp(verification) : verifier.verifyRecoveryCode(verification);
        if (Verdict.LOCKED.equals(verdict.reason())) {
            throw GatehouseException.tooMany("locked", "too many wrong codes; try again in "
                    + verdict.retryAfterSeconds().orElse(60) + " seconds", verdict.retryAfterSeconds().orElse(60));
        }
        if (verdict.stepUpRequired()) {
            // The code was right, and is spent; a recent alert about the person asks for a phishing-resistant way.
            throw GatehouseException.unauthenticated("step_up_required", STEP_UP);
        }
        if (!verdict.accepted()) {
            throw GatehouseException.unauthenticated("sign_in_refused", REFUSED);
        }
        return totp ? "totp" : "recovery_code";
    }
}
