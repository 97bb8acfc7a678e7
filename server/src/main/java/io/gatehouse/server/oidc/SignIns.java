package io.gatehouse.server.oidc;

import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Prompt;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.login.LoginRequests;
import io.gatehouse.server.passkey.Ceremonies;
import io.gatehouse.server.passkey.PasskeyService;
import io.gatehouse.server.policy.MfaPolicy;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.policy.SignInMethod;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.server.totp.Verdict;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The decisions of the sign-in page: which methods a request may be answered with, whether a provider session
 * already answers it, and the checks of each method. The methods a person may use are those the client allows, their
 * roles' policies allow and the request's level admits: a request for {@link StepUp#PHISHING_RESISTANT} (asked by the
 * client in {@code acr_values}, or required by the client's registration or a role's policy) admits a passkey or a
 * phone approval only. Every attempt is audited as {@code oidc.sign_in}.
 */
public final class SignIns {
    /** RFC 8176: a one-time password (TOTP or recovery code). */
    static final List<String> OTP = List.of("otp");
    /** One answer for refusals before the code is checked, so that the form tells no one which usernames exist. */
    /** A correct code of a flagged person whose policy asks for more (docs/operations.md, "Alerts"). */
    private static final String STEP_UP = "this sign-in needs a stronger way right now: use your passkey or your"
            + " phone instead of a code";
    private static final String REFUSED = "the username or code is wrong, or this account must sign in another way"
            + " here";

    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final PolicyService policies;
    private final TotpVerifier verifier;
    private final PasskeyService passkeys;
    private final LoginRequests phones;
    private final ProviderSessions sessions;
    private final Tokens tokens;
    private final Clock clock;

    public SignIns(Database database, AuditLog audit, UserService users, PolicyService policies,
            TotpVerifier verifier, PasskeyService passkeys, LoginRequests phones, ProviderSessions sessions,
            Tokens tokens, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.policies = policies;
        this.verifier = verifier;
        this.passkeys = passkeys;
        this.phones = phones;
        this.sessions = sessions;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * What a valid authorization request asks of the sign-in.
     *
     * @param phishingResistant the client asked for {@link StepUp#PHISHING_RESISTANT} or is registered to need it
     * @param maxAge the longest time since the last active authentication that the client accepts
     * @param fresh {@code prompt=login}: the person authenticates again whatever the session holds
     * @param silent {@code prompt=none}: answer from the session or refuse, never show a page
     */
    public record Demand(boolean phishingResistant, Optional<Duration> maxAge, boolean fresh, boolean silent) {

        static Demand of(OidcClient client, AuthenticationRequest request) {
            boolean phr = client.phishingResistant() || Optional.ofNullable(request.getACRValues())
                    .map(values -> values.contains(StepUp.PHISHING_RESISTANT)).orElse(false);
            Optional<Duration> maxAge = request.getMaxAge() >= 0 ? Optional.of(Duration.ofSeconds(
                    request.getMaxAge())) : Optional.empty();
            Prompt prompt = request.getPrompt();
            return new Demand(phr, maxAge, prompt != null && (prompt.contains(Prompt.Type.LOGIN)
                    || prompt.contains(Prompt.Type.SELECT_ACCOUNT)), prompt != null
                    && prompt.contains(Prompt.Type.NONE));
        }
    }

    /** The methods the page offers before the person is known: the client's, narrowed by the demand. */
    public Set<SignInMethod> offered(OidcClient client, Demand demand) {
        return narrowed(client.signInMethods(), demand.phishingResistant());
    }

    /** The methods a person may use for this client and demand; empty when their policies leave none. */
    Set<SignInMethod> allowed(OidcClient client, Demand demand, MfaPolicy policy) {
        Set<SignInMethod> methods = EnumSet.copyOf(offered(client, demand));
        methods.retainAll(policy.signInMethods());
        return narrowed(methods, policy.phishingResistantSignIn());
    }

    /**
     * Whether a session answers a request without a new sign-in: 1 the request does not ask for a fresh sign-in,
     * 2 the last active authentication is within {@code max_age}, 3 the session still holds the phishing-resistant
     * level if the request, the client or the person's policy needs it (the raised level lasts only
     * {@link ProviderSessions.Settings#stepUpLifetime}), 4 the method the session was opened with is one this client
     * and person may use.
     */
    public boolean answers(ProviderSessions.Session session, OidcClient client, Demand demand) {
        Instant now = clock.instant();
        if (demand.fresh()) {
            return false;
        }
        if (demand.maxAge().isPresent() && now.isAfter(session.authTime().plus(demand.maxAge().get()))) {
            return false;
        }
        MfaPolicy policy = database.read(tx -> policies.effectiveFor(tx, session.userId()));
        boolean phr = sessions.levelNow(session).equals(StepUp.PHISHING_RESISTANT);
        if ((demand.phishingResistant() || policy.phishingResistantSignIn()) && !phr) {
            return false;
        }
        Set<SignInMethod> allowed = allowed(client, demand, policy);
        return session.amr().equals(OTP) ? allowed.contains(SignInMethod.TOTP)
                || allowed.contains(SignInMethod.RECOVERY_CODE)
                : allowed.contains(SignInMethod.PASSKEY) || allowed.contains(SignInMethod.PHONE);
    }

    /** What a code issued from {@code session} says about the sign-in: its level now, its methods and time. */
    public SignIn signInOf(ProviderSessions.Session session) {
        return new SignIn(session.userId(), session.authTime(), sessions.levelNow(session).getValue(),
                session.amr());
    }

    /**
     * A TOTP or recovery code: 1 the client and the demand admit codes, 2 the username names an active person 3
     * whose policies allow the kind of code typed, 4 the code is right (the verification API's verifier, with its
     * throttling, lockout, replay rules and audit records). Steps 1 to 3 come before the code, so a refused account
     * spends none of its codes.
     */
    public ProviderSessions.Authentication code(OidcClient client, Demand demand, String username, String code,
            ClientInfo from) {
        boolean totp = code != null && !code.isEmpty() && code.chars().allMatch(c -> c >= '0' && c <= '9');
        SignInMethod method = totp ? SignInMethod.TOTP : SignInMethod.RECOVERY_CODE;
        if (!offered(client, demand).contains(method)) {
            throw refuse(client, null, method, demand.phishingResistant() ? "phishing_resistant_required"
                    : "method_not_allowed", from, GatehouseException.forbidden("method_not_allowed",
                            "this application needs " + (demand.phishingResistant() ? "a passkey or your phone"
                                    : "another way of signing in") + "; a code is not enough here"));
        }
        Optional<User> person = users.idOfUsername(username == null ? "" : username)
                .flatMap(id -> database.read(tx -> users.find(tx, id)));
        String refusal = person.isEmpty() ? "user_not_found" : !person.get().active() ? "user_suspended"
                : !allowed(client, demand, policyOf(person.get())).contains(method) ? "method_not_allowed" : null;
        if (refusal != null) {
            throw refuse(client, person.map(User::id).orElse(null), method, refusal, from,
                    GatehouseException.unauthenticated("sign_in_refused", REFUSED));
        }
        TotpVerifier.Verification verification = new TotpVerifier.Verification(person.get().username(), code,
                "oidc_client:" + client.clientId(), from);
        Verdict verdict = totp ? verifier.verifyTotp(verification) : verifier.verifyRecoveryCode(verification);
        if (Verdict.LOCKED.equals(verdict.reason())) {
            long retry = verdict.retryAfterSeconds().orElse(60);
            throw GatehouseException.tooMany("locked", "too many wrong codes; try again in " + retry + " seconds",
                    retry);
        }
        if (verdict.stepUpRequired()) {
            // The code was right, and is spent; a recent alert about the person asks for a phishing-resistant way.
            throw GatehouseException.unauthenticated("step_up_required", STEP_UP);
        }
        if (!verdict.accepted()) {
            throw GatehouseException.unauthenticated("sign_in_refused", REFUSED);
        }
        return accepted(person.get().id(), method, OTP, false, Optional.empty());
    }

    /** Options for the page's passkey: discoverable, so that the passkey names its person. */
    public Ceremonies.Options passkeyOptions() {
        return passkeys.discoverableAssertionOptions();
    }

    /**
     * A passkey: 1 the client and the demand admit passkeys, 2 the assertion passes every check of
     * {@link PasskeyService#finishAssertion} (single-use challenge, active device, user verification, signature,
     * counter), 3 the passkey is the typed username's, if one was typed, 4 its person is active 5 and may sign in with
     * a passkey here.
     */
    public ProviderSessions.Authentication passkey(OidcClient client, Demand demand, Ceremonies.Answer answer,
            Optional<String> username, ClientInfo from) {
        if (!offered(client, demand).contains(SignInMethod.PASSKEY)) {
            throw refuse(client, null, SignInMethod.PASSKEY, "method_not_allowed", from,
                    GatehouseException.forbidden("method_not_allowed", "this application does not accept passkeys"));
        }
        Ceremonies.Verified verified = passkeys.finishAssertion(answer, from);
        User person = database.read(tx -> users.find(tx, verified.userId())).orElse(null);
        String refusal = person == null ? "user_not_found"
                : username.filter(name -> !name.isBlank()).filter(name -> !sameUser(name, person)).isPresent()
                        ? "other_persons_passkey"
                : !person.active() ? "user_suspended"
                : !allowed(client, demand, policyOf(person)).contains(SignInMethod.PASSKEY) ? "method_not_allowed"
                : null;
        if (refusal != null) {
            throw refuse(client, verified.userId(), SignInMethod.PASSKEY, refusal, from,
                    GatehouseException.forbidden(refusal, switch (refusal) {
                        case "other_persons_passkey" -> "this passkey belongs to another account than the username"
                                + " typed";
                        case "method_not_allowed" -> "your account may not sign in with a passkey here";
                        default -> "this account cannot sign in";
                    }));
        }
        List<String> amr = List.of(verified.backupEligible() ? "swk" : "hwk", "user");
        return accepted(person.id(), SignInMethod.PASSKEY, amr, true, Optional.of(verified.deviceId()));
    }

    /**
     * A phone's approval: 1 the client and the demand admit it, 2 the completion token is live and unspent (spent
     * now; {@link LoginRequests#complete}), 3 the phone verified its user, 4 the person is active 5 and may sign in
     * with their phone here.
     */
    public ProviderSessions.Authentication phone(OidcClient client, Demand demand, String completionToken,
            ClientInfo from) {
        if (!offered(client, demand).contains(SignInMethod.PHONE)) {
            throw refuse(client, null, SignInMethod.PHONE, "method_not_allowed", from,
                    GatehouseException.forbidden("method_not_allowed", "this application does not accept sign-in"
                            + " with your phone"));
        }
        LoginRequests.Completed completed = phones.complete(completionToken, from);
        User person = database.read(tx -> users.find(tx, completed.userId())).orElse(null);
        String refusal = !completed.userVerified() ? "user_verification_missing"
                : person == null ? "user_not_found" : !person.active() ? "user_suspended"
                : !allowed(client, demand, policyOf(person)).contains(SignInMethod.PHONE) ? "method_not_allowed"
                : null;
        if (refusal != null) {
            throw refuse(client, completed.userId(), SignInMethod.PHONE, refusal, from,
                    GatehouseException.forbidden(refusal, "your account may not sign in with your phone here"));
        }
        return accepted(person.id(), SignInMethod.PHONE, completed.amr(), true, Optional.of(completed.deviceId()));
    }

    /**
     * The methods the page offers once a username is typed: the person's, if the name is an active person's; the
     * client's otherwise, so that the page shows nothing more about a name that signs no one in.
     */
    Set<SignInMethod> methodsFor(OidcClient client, Demand demand, String username) {
        Optional<User> person = users.idOfUsername(username).flatMap(id -> database.read(tx -> users.find(tx, id)))
                .filter(User::active);
        return person.map(found -> allowed(client, demand, policyOf(found))).orElseGet(() -> offered(client,
                demand));
    }

    private MfaPolicy policyOf(User person) {
        return database.read(tx -> policies.effectiveFor(tx, person.roles()));
    }

    private static boolean sameUser(String typed, User person) {
        return typed.strip().equalsIgnoreCase(person.username());
    }

    private static Set<SignInMethod> narrowed(Set<SignInMethod> methods, boolean phishingResistant) {
        Set<SignInMethod> result = EnumSet.noneOf(SignInMethod.class);
        methods.stream().filter(method -> !phishingResistant || method.phishingResistant()).forEach(result::add);
        return result;
    }

    private static ProviderSessions.Authentication accepted(String userId, SignInMethod method, List<String> amr,
            boolean phishingResistant, Optional<String> deviceId) {
        return new ProviderSessions.Authentication(userId, amr, phishingResistant, deviceId, method);
    }

    /** A code issued for a request once its person signed in. */
    public record Finished(ProviderSessions.Session session, String cookie, String code) {
        @Override
        public String toString() {
            return "Finished[" + session.id() + ", cookie=…, code=…]";
        }
    }

    /**
     * Records an accepted sign-in, opens its session (ending the browser's {@code previous} one) and issues the
     * request's code, in one transaction: one durable commit for the three, and none of them without the others.
     */
    public Finished finish(OidcClient client, ProviderSessions.Authentication proof,
            Optional<ProviderSessions.Session> previous, Function<SignIn, CodeGrant> grant, ClientInfo from) {
        return database.inTransaction(tx -> {
            audit.append(tx, AuditEvent.of("user:" + proof.userId(), "oidc.sign_in", from).user(proof.userId())
                    .subject("oidc_client:" + client.clientId()).detail("method", proof.method().code())
                    .result("accepted"));
            ProviderSessions.Started started = sessions.start(tx, proof, previous, from);
            String code = tokens.issueCode(tx, grant.apply(signInOf(started.session())), from);
            return new Finished(started.session(), started.cookie(), code);
        });
    }

    private GatehouseException refuse(OidcClient client, String userId, SignInMethod method, String reason,
            ClientInfo from, GatehouseException answer) {
        database.inTransaction(tx -> {
            audit.append(tx, AuditEvent.of(userId == null ? "anonymous" : "user:" + userId, "oidc.sign_in", from)
                    .user(userId).subject("oidc_client:" + client.clientId()).detail("method", method.code())
                    .reason(reason).result("rejected"));
            return null;
        });
        return answer;
    }
}
