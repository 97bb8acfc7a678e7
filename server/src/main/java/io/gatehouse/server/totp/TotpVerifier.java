package io.gatehouse.server.totp;

import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.policy.MfaPolicy;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.ThrottleStore.SourceRow;
import io.gatehouse.server.totp.ThrottleStore.UserRow;
import io.gatehouse.server.totp.TotpStore.Credential;
import io.gatehouse.server.totp.TotpStore.StoredCode;
import java.time.Clock;
import java.util.Arrays;
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
 *
 * <p>An accepted TOTP code costs five statements (user lock; credential and source row; policy; compare-and-set;
 * audit record), an accepted recovery code four (no policy); a source with a failure run adds the delete that ends
 * it. {@code VerificationStatementsTest} pins these counts.
 */
public final class TotpVerifier {
    private final Database database;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final PolicyService policies;
    private final RecoveryCodes recoveryCodes;
    private final TotpStore store;
    private final Throttle throttle;
    private final RejectionWindows rejections;
    private final Clock clock;

    public TotpVerifier(Database database, AuditLog audit, SecretBox secrets, PolicyService policies,
            RecoveryCodes recoveryCodes, Clock clock, Lockout lockout) {
        ThrottleStore throttles = new ThrottleStore();
        this.database = database;
        this.audit = audit;
        this.secrets = secrets;
        this.policies = policies;
        this.recoveryCodes = recoveryCodes;
        this.store = new TotpStore();
        this.throttle = new Throttle(throttles, clock, lockout);
        this.rejections = new RejectionWindows(throttles, audit, clock);
        this.clock = clock;
    }

    /**
     * One check to make: the user's name and the code as the application sent them, and who asks ({@code actor},
     * the caller's credential, and its client), which together are the {@link Source} that the throttle counts.
     */
    public record Verification(String username, String code, String actor, ClientInfo client) {
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

    public Verdict verifyTotp(Verification request) {
        // 1. shape
        String candidate = CodeFormat.totp(request.code());
        return database.decide(tx -> {
            // 2. the user, whose row lock serialises checks; then, read after it, the credential and the source
            Check check = new Check(tx, request, "totp.verify");
            TotpStore.TotpRead read = store.totpRead(tx, check.user.userId(), check.source);
            // 3-5. locks, status
            Verdict refused = check.userGate(read.source());
            if (refused != null) {
                return refused;
            }
            // 6. enrolled
            Credential credential = read.credential().orElse(null);
            if (credential == null) {
                return check.reject(Verdict.NOT_ENROLLED, false, b -> { });
            }
            CodeFormat.totpLength(candidate, credential.parameters().digits());
            // 7. match in window
            MfaPolicy policy = policies.effectiveFor(tx, check.user.userId());
            byte[] seed = secrets.open(credential.secretCiphertext(), "totp-credential:" + credential.id());
            OptionalLong step;
            try {
                step = new Totp(credential.parameters(), seed).match(candidate, clock.instant().getEpochSecond(),
                        policy.lookBehindSteps(), policy.lookAheadSteps());
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
            if (step.isEmpty()) {
                return check.reject(Verdict.INVALID_CODE, true, b -> b.detail("credential", credential.id()));
            }
            // 8. single use of the time step
            if (!store.advanceLastUsedStep(tx, credential.id(), step.getAsLong())) {
                return check.reject(Verdict.REPLAYED, false, b -> b.detail("credential", credential.id())
                        .detail("timeStep", step.getAsLong()));
            }
            // 9. accepted
            return check.accept(b -> b.detail("credential", credential.id()).detail("timeStep", step.getAsLong()),
                    Verdict.accept());
        });
    }

    public Verdict verifyRecoveryCode(Verification request) {
        // 1. shape
        String normalised = CodeFormat.recovery(request.code());
        return database.decide(tx -> {
            // 2. the user, whose row lock serialises checks; then, read after it, the codes and the source
            Check check = new Check(tx, request, "recovery.verify");
            TotpStore.RecoveryRead read = store.recoveryRead(tx, check.user.userId(), check.source);
            // 3-5. locks, status
            Verdict refused = check.userGate(read.source());
            if (refused != null) {
                return refused;
            }
            // 6. enrolled: the user has current codes
            if (read.codes().isEmpty()) {
                return check.reject(Verdict.NOT_ENROLLED, false, b -> { });
            }
            // 7. one of the user's codes
            StoredCode match = recoveryCodes.find(read.codes(), normalised).orElse(null);
            if (match == null) {
                return check.reject(Verdict.INVALID_CODE, true, b -> { });
            }
            // 8. single use of the code
            if (match.used() || !store.claimRecoveryCode(tx, match.id(), clock.millis())) {
                return check.reject(Verdict.REPLAYED, false, b -> b.detail("recoveryCode", match.id()));
            }
            // 9. accepted; the codes were read under the user's lock, which every writer of them holds too
            int remaining = (int) read.unused() - 1;
            return check.accept(b -> b.detail("recoveryCode", match.id()).detail("remaining", remaining),
                    Verdict.acceptWithRemaining(remaining));
        });
    }

    /** One check in progress: the locked user row, where the check comes from, and how its outcome is recorded. */
    private final class Check {
        private final Tx tx;
        private final String action;
        private final String actor;
        private final ClientInfo client;
        private final Source source;
        private final UserRow user;
        private SourceRow sourceRow = SourceRow.NONE;

        /** Step 2: locks the user row; 404 {@code unknown_user} when there is none. */
        Check(Tx tx, Verification request, String action) {
            this.tx = tx;
            this.action = action;
            this.actor = request.actor();
            this.client = request.client();
            this.source = Source.of(request.actor(), request.client());
            this.user = throttle.lock(tx, request.username()).orElseThrow(() -> GatehouseException.notFound(
                    "unknown_user", "no user named '" + request.username() + "'"));
        }

        /** Steps 3 to 5, with the source's row read after the lock; null when the check may go on. */
        Verdict userGate(SourceRow stored) {
            sourceRow = stored;
            Throttle.Refusal refusal = throttle.refusal(tx, user, stored).orElse(null);
            if (refusal != null) {
                reject(Verdict.LOCKED, false, b -> b.detail("retryAfterSeconds", refusal.retryAfterSeconds())
                        .detail("lockScope", refusal.scope()));
                return Verdict.locked(refusal.retryAfterSeconds());
            }
            if (!"active".equals(user.status())) {
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
                Throttle.Failure failure = throttle.fail(tx, user, source, sourceRow);
                record(reason, b -> {
                    details.accept(b);
                    if (failure.lockStarted()) {
                        b.detail("lockStarted", true).detail("lockScope", failure.scope());
                    }
                });
            } else if (rejections.opensWindow(tx, user.userId(), action, reason, actor, client)) {
                record(reason, details);
            }
            return Verdict.rejected(reason);
        }

        Verdict accept(Consumer<AuditEvent.Builder> details, Verdict verdict) {
            throttle.succeed(tx, user, source, sourceRow);
            AuditEvent.Builder event = AuditEvent.of(actor, action, client).user(user.userId())
                    .subject("user:" + user.username());
            details.accept(event);
            audit.append(tx, event.result("accepted"));
            return verdict;
        }

        private void record(String reason, Consumer<AuditEvent.Builder> details) {
            AuditEvent.Builder event = AuditEvent.of(actor, action, client).user(user.userId())
                    .subject("user:" + user.username()).reason(reason);
            details.accept(event);
            audit.append(tx, event.result("rejected"));
        }
    }
}
