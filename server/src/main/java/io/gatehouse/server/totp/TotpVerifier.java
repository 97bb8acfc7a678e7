package io.gatehouse.server.totp;

import io.gatehouse.server.alert.Flags;
import io.gatehouse.server.user.Username;
import java.util.function.Function;
import java.util.Optional;
import java.util.OptionalInt;
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
    private final Flags flags;

    public TotpVerifier(Database database, AuditLog audit, SecretBox secrets, PolicyService policies,
            RecoveryCodes recoveryCodes, Clock clock, Lockout lockout, Flags flags) {
        this.flags = flags;
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

    /**
     * Checks a TOTP code. On PostgreSQL this is three round trips: one batch that locks the user row and then reads
     * the credential, the source's row and the policy; one batch of writes (the step's compare-and-set or the
     * failure counts, and the audit record); the commit.
     */
    public Verdict verifyTotp(Verification request) {
        // 1. shape
        String candidate = CodeFormat.totp(request.code());
        String usernameKey = usernameKey(request.username());
        return database.decide(tx -> {
            // 2. the user, whose row lock serialises checks; then, read after it, the credential, the source and
            //    the policy of the user's roles
            Tx.Batch reads = new Tx.Batch();
            Check check = new Check(tx, request, "totp.verify", reads, usernameKey);
            Tx.Result<TotpStore.TotpRead> credentialAndSource = store.totpRead(reads, usernameKey, check.source);
            Tx.Result<MfaPolicy> effectivePolicy = policies.effectiveFor(reads, usernameKey);
            check.run(reads);
            TotpStore.TotpRead read = credentialAndSource.get();
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
            MfaPolicy policy = effectivePolicy.get();
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
            // 8. single use of the time step: a later step than the last accepted one, as read under the lock;
            //    the write below is still a compare-and-set
            long matched = step.getAsLong();
            if (credential.lastUsedStep() != null && matched <= credential.lastUsedStep()) {
                return check.reject(Verdict.REPLAYED, false, b -> b.detail("credential", credential.id())
                        .detail("timeStep", matched));
            }
            // 9. a flagged person whose policy wants more: the step is spent all the same, so the code cannot be
            //    tried again elsewhere, and the answer is step-up
            Verdict verdict = flag(tx, policy, check).map(rule -> Verdict.stepUp(rule, OptionalInt.empty()))
                    .orElse(Verdict.accept());
            // 10. accepted
            return check.accept(writes -> store.advanceLastUsedStep(writes, credential.id(), matched),
                    b -> b.detail("credential", credential.id()).detail("timeStep", matched), verdict);
        });
    }

    /** Checks a recovery code: the same three round trips as {@link #verifyTotp}. */
    public Verdict verifyRecoveryCode(Verification request) {
        // 1. shape
        String normalised = CodeFormat.recovery(request.code());
        String usernameKey = usernameKey(request.username());
        return database.decide(tx -> {
            // 2. the user, whose row lock serialises checks; then, read after it, the codes and the source
            Tx.Batch reads = new Tx.Batch();
            Check check = new Check(tx, request, "recovery.verify", reads, usernameKey);
            Tx.Result<TotpStore.RecoveryRead> codesAndSource = store.recoveryRead(reads, usernameKey, check.source);
            Tx.Result<MfaPolicy> effectivePolicy = policies.effectiveFor(reads, usernameKey);
            check.run(reads);
            TotpStore.RecoveryRead read = codesAndSource.get();
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
            // 8. single use of the code, as read under the lock; the write below is still a compare-and-set
            if (match.used()) {
                return check.reject(Verdict.REPLAYED, false, b -> b.detail("recoveryCode", match.id()));
            }
            // 9. a flagged person whose policy wants more: the code is spent all the same, and the answer is step-up
            int remaining = (int) read.unused() - 1;
            Verdict verdict = flag(tx, effectivePolicy.get(), check).map(rule -> Verdict.stepUp(rule,
                    OptionalInt.of(remaining))).orElse(Verdict.acceptWithRemaining(remaining));
            // 10. accepted; the codes were read under the user's lock, which every writer of them holds too
            return check.accept(writes -> store.claimRecoveryCode(writes, match.id(), clock.millis()),
                    b -> b.detail("recoveryCode", match.id()).detail("remaining", remaining), verdict);
        });
    }

    /**
     * The rule flagging the checked person when their policy answers flagged people with step-up; one query, made
     * only for such policies (a fourth round trip on PostgreSQL for them alone).
     */
    private Optional<String> flag(Tx tx, MfaPolicy policy, Check check) {
        return policy.stepUpWhenFlagged() ? flags.ruleFlagging(tx, check.userId()) : Optional.empty();
    }

    /** The key a user is found by; a name that cannot be one is no user's (step 2's 404, before any query). */
    private static String usernameKey(String username) {
        return Username.parse(username).map(Username::key).orElseThrow(() -> unknownUser(username));
    }

    private static GatehouseException unknownUser(String username) {
        return GatehouseException.notFound("unknown_user", "no user named '" + username + "'");
    }

    /** One check in progress: the locked user row, where the check comes from, and how its outcome is recorded. */
    private final class Check {
        private final Tx tx;
        private final String action;
        private final String actor;
        private final ClientInfo client;
        private final Source source;
        private final String username;
        private final Tx.Result<Optional<UserRow>> locked;
        private UserRow user;
        private SourceRow sourceRow = SourceRow.NONE;

        String userId() {
            return user.userId();
        }

        /** Step 2: adds the lock of the user row to {@code reads}, as its first statement. */
        Check(Tx tx, Verification request, String action, Tx.Batch reads, String usernameKey) {
            this.tx = tx;
            this.action = action;
            this.actor = request.actor();
            this.client = request.client();
            this.username = request.username();
            this.source = Source.of(request.actor(), request.client());
            this.locked = throttle.lock(reads, tx.dialect(), usernameKey);
        }

        /** Runs the reads; 404 {@code unknown_user} when no user has the name. */
        void run(Tx.Batch reads) {
            tx.run(reads);
            user = locked.get().orElseThrow(() -> unknownUser(username));
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
                // One write batch: the failure counts and the audit record.
                Tx.Batch writes = new Tx.Batch();
                Throttle.Failure failure = throttle.fail(writes, user, source, sourceRow);
                record(writes, reason, b -> {
                    details.accept(b);
                    if (failure.lockStarted()) {
                        b.detail("lockStarted", true).detail("lockScope", failure.scope());
                    }
                });
                tx.run(writes);
            } else if (rejections.opensWindow(tx, user.userId(), action, reason, actor, client)) {
                Tx.Batch writes = new Tx.Batch();
                record(writes, reason, details);
                tx.run(writes);
            }
            return Verdict.rejected(reason);
        }

        /**
         * Records an acceptance in one write batch: the single-use write {@code claim} adds (a compare-and-set that
         * must change one row: the lock guarantees nobody changed it since the read), the end of the source's run
         * of failures, and the audit record.
         */
        Verdict accept(Function<Tx.Batch, Tx.Result<Integer>> claim, Consumer<AuditEvent.Builder> details,
                Verdict verdict) {
            Tx.Batch writes = new Tx.Batch();
            Tx.Result<Integer> claimed = claim.apply(writes);
            throttle.succeed(writes, user, source, sourceRow);
            AuditEvent.Builder event = AuditEvent.of(actor, action, client).user(user.userId());
            details.accept(event);
            if (verdict.stepUpRequired()) {
                event.reason(verdict.reason());
            }
            audit.append(writes, event.result(verdict.result()), null, clock.millis());
            tx.run(writes);
            if (claimed.get() != 1) {
                // Only a writer that ignores the user's lock could get here; refuse rather than accept twice.
                throw new IllegalStateException("the single-use record of a " + action + " changed under the lock of"
                        + " user " + user.userId());
            }
            return verdict;
        }

        private void record(Tx.Batch writes, String reason, Consumer<AuditEvent.Builder> details) {
            // The user by id alone, as every record: a deleted person's name must not stay in the audit log.
            AuditEvent.Builder event = AuditEvent.of(actor, action, client).user(user.userId()).reason(reason);
            details.accept(event);
            audit.append(writes, event.result("rejected"), null, clock.millis());
        }
    }
}
