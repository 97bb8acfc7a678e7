package io.gatehouse.server.totp;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.protocol.otp.TotpParameters;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.codes.ManagedCodes;
import io.gatehouse.server.codes.OwnLink;
import io.gatehouse.server.codes.Purpose;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.policy.MfaPolicy;
import io.gatehouse.server.policy.PolicyService;
import io.gatehouse.server.totp.EnrollmentStore.Enrollment;
import io.gatehouse.server.user.PendingLinks;
import io.gatehouse.server.user.User;
import io.gatehouse.server.user.UserService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * TOTP enrollment through a single-use link that expires.
 *
 * <p>The link carries a 256-bit token; the database keeps only its SHA-256 hash, so a database reader cannot use a
 * pending link. The pending seed is encrypted at rest and erased (set to NULL) the moment the link ends: activated,
 * expired, superseded by a newer link or revoked. A user's active credential is untouched until a new enrollment
 * is activated, and is then replaced in the same transaction.
 */
public final class TotpEnrollments {
    public static final String PATH = "/enroll/totp/";

    private final Database database;
    private final EnrollmentStore links = new EnrollmentStore();
    private final TotpStore credentials = new TotpStore();
    private final ThrottleStore throttles = new ThrottleStore();
    private final AuditLog audit;
    private final SecretBox secrets;
    private final PolicyService policies;
    private final UserService users;
    private final RecoveryCodes recoveryCodes;
    private final Clock clock;
    private final SecureRandom random;
    private final String issuer;
    private final ManagedCodes codes;

    public TotpEnrollments(Database database, AuditLog audit, SecretBox secrets, PolicyService policies,
            UserService users, RecoveryCodes recoveryCodes, Clock clock, SecureRandom random, String issuer,
            ManagedCodes codes) {
        this.database = database;
        this.audit = audit;
        this.secrets = secrets;
        this.policies = policies;
        this.users = users;
        this.recoveryCodes = recoveryCodes;
        this.clock = clock;
        this.random = random;
        this.issuer = issuer;
        this.codes = codes;
    }

    /** A new link: {@code token} is the secret part of its URL and exists only in this answer. */
    public record Created(String id, String token, Instant expiresAt) {
    }

    /** What the enrollment page shows. */
    public record View(String username, String otpauthUri, String secretBase32, TotpParameters parameters,
            Instant expiresAt) {
    }

    public Created create(String userId, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            User user = users.lock(tx, userId);
            if (!user.active()) {
                throw GatehouseException.conflict("user_suspended", "user '" + user.username() + "' is suspended");
            }
            MfaPolicy policy = policies.effectiveFor(tx, userId);
            long now = clock.millis();
            links.endAllPending(tx, userId, "superseded", now);
            String id = Ids.newId(random, "enr");
            String token = Ids.randomBase32(random, 32);
            byte[] seed = new byte[seedLength(policy.algorithm())];
            random.nextBytes(seed);
            byte[] sealed = secrets.seal(seed, "totp-enrollment:" + id);
            Arrays.fill(seed, (byte) 0);
            long expiresAt = now + policy.enrollmentLinkTtl().toMillis();
            links.insert(tx, id, Ids.sha256(token), userId, sealed, new TotpParameters(policy.algorithm(),
                    policy.digits(), policy.periodSeconds()), by.actor(), now, expiresAt);
            codes.adopt(tx, Purpose.TOTP_ENROLLMENT, id, token, Optional.of(Instant.ofEpochMilli(expiresAt)),
                    by.actor());
            audit.append(tx, AuditEvent.of(by.actor(), "totp.enrollment.create", client).user(userId)
                    .subject("enrollment:" + id).detail("algorithm", policy.algorithm().name())
                    .detail("digits", policy.digits()).detail("periodSeconds", policy.periodSeconds())
                    .detail("expiresAt", Instant.ofEpochMilli(expiresAt).toString()).success());
            return new Created(id, token, Instant.ofEpochMilli(expiresAt));
        });
    }

    /** RFC 4226 §4 asks for at least 128 bits; we use the hash's own output length, as RFC 6238's vectors do. */
    private static int seedLength(OtpAlgorithm algorithm) {
        return switch (algorithm) {
            case SHA1 -> 20;
            case SHA256 -> 32;
            case SHA512 -> 64;
        };
    }

    /**
     * The page's content for a live link.
     *
     * @throws GatehouseException 404 unknown link; 410 used, superseded, revoked or expired (an expired link's seed is
     *     erased first)
     */
    public View view(String token, ClientInfo client) {
        Enrollment pending = live(token);
        // Whoever opens the link sees the seed: record each view.
        database.inTransaction(tx -> audit.append(tx, AuditEvent.of("enrollment-link:" + pending.id(),
                "totp.enrollment.view", client).user(pending.userId()).subject("enrollment:" + pending.id())
                .success()));
        byte[] seed = secrets.open(pending.sealed(), "totp-enrollment:" + pending.id());
        try {
            String username = database.read(tx -> users.require(tx, pending.userId()).username());
            return new View(username, OtpAuthUri.totp(issuer, username, seed, pending.parameters()),
                    io.gatehouse.protocol.codec.Base32.encode(seed), pending.parameters(),
                    Instant.ofEpochMilli(pending.expiresAt()));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The outcome of an activation attempt; a wrong code is audited, so it is a result, not an exception. */
    public sealed interface Activation {
        record Activated(String credentialId, List<String> recoveryCodes) implements Activation {
        }

        record WrongCode() implements Activation {
        }
    }

    /**
     * Activates the credential when {@code code} is right: the old active credential (if any) is replaced, the link
     * dies, the pending seed is erased, and ten recovery codes replace the old ones.
     */
    public Activation activate(String token, String code, ClientInfo client) {
        String candidate = CodeFormat.totp(code);
        Enrollment pending = live(token);
        CodeFormat.totpLength(candidate, pending.parameters().digits());
        return database.decide(tx -> {
            String actor = "enrollment-link:" + pending.id();
            User user = users.lock(tx, pending.userId());
            if (!user.active()) {
                throw GatehouseException.conflict("user_suspended", "user '" + user.username() + "' is suspended");
            }
            MfaPolicy policy = policies.effectiveFor(tx, user.id());
            byte[] seed = secrets.open(pending.sealed(), "totp-enrollment:" + pending.id());
            try {
                OptionalLong step = new Totp(pending.parameters(), seed).match(candidate,
                        clock.instant().getEpochSecond(), policy.lookBehindSteps(), policy.lookAheadSteps());
                if (step.isEmpty()) {
                    audit.append(tx, AuditEvent.of(actor, "totp.enrollment.activate", client).user(user.id())
                            .subject("enrollment:" + pending.id()).reason(Verdict.INVALID_CODE).result("rejected"));
                    return new Activation.WrongCode();
                }
                long now = clock.millis();
                if (!links.end(tx, pending.id(), "used", now)) {
                    throw GatehouseException.gone("enrollment_used", "this enrollment link was already used");
                }
                List<String> replaced = credentials.activeCredentialIds(tx, user.id());
                credentials.endActiveCredentials(tx, user.id(), "replaced", now);
                String credentialId = Ids.newId(random, "totp");
                // The activation code's step counts as used, so the same code cannot then pass verification.
                credentials.insertCredential(tx, credentialId, user.id(),
                        secrets.seal(seed, "totp-credential:" + credentialId), pending.parameters(), step.getAsLong(),
                        now);
                List<String> codes = recoveryCodes.regenerate(tx, user.id());
                throttles.clearLock(tx, user.id());
                audit.append(tx, AuditEvent.of(actor, "totp.enrollment.activate", client).user(user.id())
                        .subject("enrollment:" + pending.id()).detail("credential", credentialId)
                        .detail("replaced", replaced.isEmpty() ? null : replaced)
                        .detail("recoveryCodesIssued", codes.size()).result("accepted"));
                return new Activation.Activated(credentialId, codes);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        });
    }

    /** Regenerates the recovery codes of a user with an active credential. */
    public List<String> regenerateRecoveryCodes(String userId, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            users.lock(tx, userId);
            if (!TotpStore.hasActiveCredential(tx, userId)) {
                throw GatehouseException.conflict("not_enrolled", "user '" + userId
                        + "' has no active TOTP credential");
            }
            List<String> codes = recoveryCodes.regenerate(tx, userId);
            audit.append(tx, AuditEvent.of(by.actor(), "recovery.regenerate", client).user(userId)
                    .detail("issued", codes.size()).success());
            return codes;
        });
    }

    /**
     * Revokes the user's TOTP: the active credential, recovery codes and every pending link of the user (TOTP and
     * device enrollment); seeds are erased. Effective on the next request.
     */
    public void revoke(String userId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            users.lock(tx, userId);
            long now = clock.millis();
            int revoked = credentials.endActiveCredentials(tx, userId, "revoked", now);
            if (revoked == 0 && !EnrollmentStore.hasPending(tx, userId)) {
                throw GatehouseException.notFound("not_enrolled", "user '" + userId + "' has no TOTP credential or"
                        + " pending enrollment");
            }
            PendingLinks.Ended ended = users.endPendingLinks(tx, userId, "totp_revoked", by.actor(), client);
            recoveryCodes.revokeAll(tx, userId);
            audit.append(tx, AuditEvent.of(by.actor(), "totp.revoke", client).user(userId)
                    .detail("credentials", revoked).detail("pendingEnrollments", ended.totpEnrollments())
                    .detail("pendingDeviceEnrollments", ended.deviceEnrollments()).success());
            return null;
        });
    }

    /** Ends links whose time is up and erases their seeds; run in the background. Returns how many ended. */
    public int expireDue() {
        long now = clock.millis();
        return database.inTransaction(tx -> {
            List<EnrollmentStore.Due> due = links.due(tx, now);
            for (EnrollmentStore.Due link : due) {
                expire(tx, link.id(), link.userId(), now);
            }
            return due.size();
        });
    }

    private void expire(Tx tx, String id, String userId, long now) {
        if (links.end(tx, id, "expired", now)) {
            audit.append(tx, AuditEvent.of("system", "totp.enrollment.expire", null).user(userId)
                    .subject("enrollment:" + id).success());
        }
    }

    /**
     * The links' side of their managed codes: how a link ended, and its end when its code is revoked (audited as a
     * link ended by a revocation, like the ends {@link PendingLinks} records).
     */
    public OwnLink codeLinks() {
        return new OwnLink() {
            @Override
            public Optional<String> ended(ReadTx tx, String referenceId) {
                Optional<EnrollmentStore.Status> link = links.status(tx, referenceId);
                if (link.isEmpty()) {
                    return Optional.of("erased");
                }
                if (!"pending".equals(link.get().status())) {
                    return Optional.of(link.get().status());
                }
                return clock.millis() >= link.get().expiresAt() ? Optional.of("expired") : Optional.empty();
            }

            @Override
            public void revoke(Tx tx, String referenceId, String actor, ClientInfo client) {
                Optional<EnrollmentStore.Status> link = links.status(tx, referenceId);
                if (link.isPresent() && links.end(tx, referenceId, "revoked", clock.millis())) {
                    audit.append(tx, AuditEvent.of(actor, "totp.enrollment.end", client).user(link.get().userId())
                            .subject("enrollment:" + referenceId).reason("code_revoked").success());
                }
            }
        };
    }

    /** Refuses a dead link before the rest of a request is read; activation checks the link again. */
    public void checkLive(String token) {
        live(token);
    }

    /** The pending enrollment behind a link, or the reason it is gone. An expired one is ended on the spot. */
    private Enrollment live(String token) {
        if (token == null || token.length() > 128) {
            throw GatehouseException.notFound("enrollment_not_found", "no such enrollment link");
        }
        Enrollment pending = database.read(tx -> links.byTokenHash(tx, Ids.sha256(token)))
                .orElseThrow(() -> GatehouseException.notFound("enrollment_not_found", "no such enrollment link"));
        if (!pending.pending()) {
            throw GatehouseException.gone("enrollment_" + pending.status(), "this enrollment link is no longer valid ("
                    + pending.status() + "); ask an administrator for a new one");
        }
        if (clock.millis() >= pending.expiresAt()) {
            database.inTransaction(tx -> {
                expire(tx, pending.id(), pending.userId(), clock.millis());
                return null;
            });
            throw GatehouseException.gone("enrollment_expired", "this enrollment link expired at "
                    + Instant.ofEpochMilli(pending.expiresAt()) + "; ask an administrator for a new one");
        }
        return pending;
    }
}
