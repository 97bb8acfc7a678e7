package io.gatehouse.server.totp;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.protocol.otp.TotpParameters;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.policy.MfaPolicy;
import io.gatehouse.server.policy.PolicyService;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Verifies TOTP and recovery codes for applications. The steps, each with one reason (docs/protocol.md, "TOTP
 * verification"):
 *
 * <ol>
 *   <li>the code has the right shape (digits, length) — else 400 {@code invalid_code_format}, nothing changes;</li>
 *   <li>the user exists — else 404 {@code unknown_user}, nothing changes;</li>
 *   <li>this {@link Source} is not locked out of this user — else {@code locked} (429);</li>
 *   <li>the user's failure window is not full — else {@code locked} (429);</li>
 *   <li>the user is active — else {@code suspended};</li>
 *   <li>the user has an active credential — else {@code not_enrolled};</li>
 *   <li>the code matches a time step in the policy's window — else {@code invalid_code}, counted against the
 *       source and the user ({@link Throttle});</li>
 *   <li>that time step is later than the last accepted one (RFC 6238 §5.2), set by compare-and-set — else
 *       {@code replayed};</li>
 *   <li>accepted; the source's run of failures ends.</li>
 * </ol>
 *
 * Every outcome from step 3 on is recorded in the transaction that decides it: accepted and counted ones as one
 * audit record each, the others through {@link RejectionWindows}, which bounds their records per user and time.
 */
public final class TotpVerifier {
    private final Database database;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final PolicyService policies;
    private final RecoveryCodes recoveryCodes;
    private final Throttle throttle;
    private final RejectionWindows rejections;
    private final Clock clock;

    public TotpVerifier(Database database, AuditLog audit, SecretBox secrets, PolicyService policies,
            RecoveryCodes recoveryCodes, Clock clock, Lockout lockout) {
        this.database = database;
        this.audit = audit;
        this.secrets = secrets;
        this.policies = policies;
        this.recoveryCodes = recoveryCodes;
        this.throttle = new Throttle(clock, lockout);
        this.rejections = new RejectionWindows(audit, clock);
        this.clock = clock;
    }

    /**
     * Background upkeep, safe on every node: writes the summaries of ended rejection windows and forgets quiet
     * sources. Returns the number of summaries written.
     */
    public int sweepThrottles() {
        int summaries = database.inTransaction(rejections::closeEnded);
        database.inTransaction(throttle::forgetQuietSources);
        return summaries;
    }

    /** An active credential as stored. */
    record Credential(String id, byte[] secretCiphertext, TotpParameters parameters, Long lastUsedStep) {
    }

    public Verdict verifyTotp(String username, String code, String actor, ClientInfo client) {
        // 1. shape
        String candidate = CodeFormat.totp(code);
        return database.decide(tx -> {
            Check check = new Check(tx, username, "totp.verify", actor, client);
            // 2-5. user, locks, status
            Verdict early = check.userGate();
            if (early != null) {
                return early;
            }
            // 6. enrolled
            Credential credential = activeCredential(tx, check.state.userId()).orElse(null);
            if (credential == null) {
                return check.reject(Verdict.NOT_ENROLLED, false, b -> { });
            }
            CodeFormat.totpLength(candidate, credential.parameters().digits());
            // 7. match in window
            MfaPolicy policy = policies.effectiveFor(tx, check.state.userId());
            byte[] seed = secrets.open(credential.secretCiphertext(), "totp-credential:" + credential.id());
            OptionalLong step = new Totp(credential.parameters(), seed).match(candidate, clock.instant().getEpochSecond(),
                    policy.lookBehindSteps(), policy.lookAheadSteps());
            java.util.Arrays.fill(seed, (byte) 0);
            if (step.isEmpty()) {
                return check.reject(Verdict.INVALID_CODE, true, b -> b.detail("credential", credential.id()));
            }
            // 8. single use of the time step
            int advanced = tx.update("UPDATE totp_credentials SET last_used_step = ? WHERE id = ? AND status = 'active'"
                    + " AND (last_used_step IS NULL OR last_used_step < ?)", step.getAsLong(), credential.id(),
                    step.getAsLong());
            if (advanced == 0) {
                return check.reject(Verdict.REPLAYED, false, b -> b.detail("credential", credential.id())
                        .detail("timeStep", step.getAsLong()));
            }
            // 9. accepted
            return check.accept(b -> b.detail("credential", credential.id()).detail("timeStep", step.getAsLong()),
                    Verdict.accept());
        });
    }

    public Verdict verifyRecoveryCode(String username, String code, String actor, ClientInfo client) {
        String normalised = CodeFormat.recovery(code);
        return database.decide(tx -> {
            Check check = new Check(tx, username, "recovery.verify", actor, client);
            Verdict early = check.userGate();
            if (early != null) {
                return early;
            }
            String userId = check.state.userId();
            if (!recoveryCodes.hasAny(tx, userId)) {
                return check.reject(Verdict.NOT_ENROLLED, false, b -> { });
            }
            RecoveryCodes.Match match = recoveryCodes.find(tx, userId, normalised).orElse(null);
            if (match == null) {
                return check.reject(Verdict.INVALID_CODE, true, b -> { });
            }
            int claimed = match.used() ? 0 : tx.update(
                    "UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", clock.millis(),
                    match.id());
            if (claimed == 0) {
                return check.reject(Verdict.REPLAYED, false, b -> b.detail("recoveryCode", match.id()));
            }
            int remaining = RecoveryCodes.remaining(tx, userId);
            return check.accept(b -> b.detail("recoveryCode", match.id()).detail("remaining", remaining),
                    Verdict.acceptWithRemaining(remaining));
        });
    }

    Optional<Credential> activeCredential(Tx tx, String userId) {
        return tx.queryOne("SELECT id, secret_ciphertext, algorithm, digits, period_seconds, last_used_step"
                        + " FROM totp_credentials WHERE user_id = ? AND status = 'active'",
                rs -> new Credential(rs.getString(1), rs.getBytes(2),
                        new TotpParameters(OtpAlgorithm.valueOf(rs.getString(3)), rs.getInt(4), rs.getInt(5)),
                        Tx.nullableLong(rs, "last_used_step")), userId);
    }

    /** One check in progress: the locked user row, where the check comes from, and how its outcome is recorded. */
    private final class Check {
        private final Tx tx;
        private final String username;
        private final String action;
        private final String actor;
        private final ClientInfo client;
        private final Source source;
        private Throttle.State state;

        Check(Tx tx, String username, String action, String actor, ClientInfo client) {
            this.tx = tx;
            this.username = username;
            this.action = action;
            this.actor = actor;
            this.client = client;
            this.source = Source.of(actor, client);
        }

        /** Steps 2 to 5; null when the check may go on. */
        Verdict userGate() {
            state = throttle.lock(tx, username);
            if (state == null) {
                throw GatehouseException.notFound("unknown_user", "no user named '" + username + "'");
            }
            Throttle.Refusal refusal = throttle.refusal(tx, state, source).orElse(null);
            if (refusal != null) {
                reject(Verdict.LOCKED, false, b -> b.detail("retryAfterSeconds", refusal.retryAfterSeconds())
                        .detail("lockScope", refusal.scope()));
                return Verdict.locked(refusal.retryAfterSeconds());
            }
            if (!"active".equals(state.status())) {
                return reject(Verdict.SUSPENDED, false, b -> { });
            }
            return null;
        }

        /**
         * Records a rejection: a counted failure always, with the locks it started; any other only when it opens a
         * window of {@link RejectionWindows}.
         */
        Verdict reject(String reason, boolean countsAsFailure, Consumer<AuditEvent.Builder> details) {
            if (countsAsFailure) {
                Throttle.Failure failure = throttle.fail(tx, state, source);
                record(reason, b -> {
                    details.accept(b);
                    if (failure.lockStarted()) {
                        b.detail("lockStarted", true).detail("lockScope", failure.scope());
                    }
                });
            } else if (rejections.opensWindow(tx, state.userId(), action, reason, actor, client)) {
                record(reason, details);
            }
            return Verdict.rejected(reason);
        }

        Verdict accept(Consumer<AuditEvent.Builder> details, Verdict verdict) {
            throttle.succeed(tx, state, source);
            AuditEvent.Builder event = AuditEvent.of(actor, action, client).user(state.userId())
                    .subject("user:" + state.username());
            details.accept(event);
            audit.append(tx, event.result("accepted"));
            return verdict;
        }

        private void record(String reason, Consumer<AuditEvent.Builder> details) {
            AuditEvent.Builder event = AuditEvent.of(actor, action, client).user(state.userId())
                    .subject("user:" + state.username()).reason(reason);
            details.accept(event);
            audit.append(tx, event.result("rejected"));
        }
    }
}
