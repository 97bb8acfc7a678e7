package io.gatehouse.protocol.pass;

import io.gatehouse.protocol.bundle.BundlePass;
import io.gatehouse.protocol.bundle.ReaderBundle;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a visitor pass offline from a verified bundle, in numbered steps with one reason each
 * (docs/protocol.md, "Visitor passes offline"):
 * <ol>
 *   <li>the handle's SHA-256 is a pass the door's bundle lists, else {@code unknown_pass} (a revoked or erased
 *       pass, or one for another door, is not listed);
 *   <li>the window has started: {@code now + skew >= validFrom}, else {@code pass_not_yet_valid};
 *   <li>the window has not ended: {@code now - skew < validUntil}, else {@code pass_expired};
 *   <li>an entry is left: {@code entriesCounted + entries counted here since < maxEntries}, else
 *       {@code pass_used_up};
 *   <li>grant; the caller counts the entry durably before the door opens.
 * </ol>
 * {@code skew} is the door's allowed skew: the reader's clock may be off by that much. Built once per accepted
 * bundle; immutable and thread-safe.
 */
public final class PassVerifier {

    /** How events and audit records name a pass's visitor: {@code visitor:<id>}. */
    public static final String SUBJECT_PREFIX = "visitor:";

    /** The entries a reader granted offline and has not yet seen counted in a bundle. */
    @FunctionalInterface
    public interface LocalEntries {
        /** The entries this reader granted offline for the visitor that the bundle's count does not include. */
        int since(String visitorId);
    }

    private final Map<String, BundlePass> byDigest;
    private final long skew;

    /**
     * Indexes a bundle's passes. Call it only with a bundle that the bundle verifier accepted.
     *
     * @param bundle the verified bundle; not null
     */
    public PassVerifier(ReaderBundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        byDigest = new HashMap<>(bundle.passes().size() * 4 / 3 + 1);
        for (BundlePass pass : bundle.passes()) {
            byDigest.put(pass.digestHex(), pass);
        }
        skew = bundle.door().allowedSkewSeconds();
    }

    /**
     * Decides a scanned pass.
     *
     * @param text the parsed pass; not null
     * @param nowEpochSecond the reader's clock
     * @param local the entries this reader counted since the bundle; not null
     * @return the decision, never null
     */
    public PassDecision decide(PassText text, long nowEpochSecond, LocalEntries local) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(local, "local");
        // 1. Listed: the digest is the lookup key; the found entry's digest is compared in constant time.
        byte[] digest = text.digest();
        BundlePass pass = byDigest.get(HexFormat.of().formatHex(digest));
        if (pass == null || !MessageDigest.isEqual(digest, pass.handleDigest())) {
            return PassDecision.deny(PassDenyReason.UNKNOWN_PASS, Optional.empty(), "this door's bundle lists no"
                    + " pass with this handle (unknown, revoked, erased, ended, or not for this door)");
        }
        Optional<BundlePass> found = Optional.of(pass);
        // 2. Started.
        if (nowEpochSecond + skew < pass.validFromEpochSecond()) {
            return PassDecision.deny(PassDenyReason.PASS_NOT_YET_VALID, found, "the pass is valid from "
                    + Instant.ofEpochSecond(pass.validFromEpochSecond()) + "; the reader's clock says "
                    + Instant.ofEpochSecond(nowEpochSecond) + " (allowed skew " + skew + " s)");
        }
        // 3. Not ended.
        if (nowEpochSecond - skew >= pass.validUntilEpochSecond()) {
            return PassDecision.deny(PassDenyReason.PASS_EXPIRED, found, "the pass ended at "
                    + Instant.ofEpochSecond(pass.validUntilEpochSecond()) + "; the reader's clock says "
                    + Instant.ofEpochSecond(nowEpochSecond) + " (allowed skew " + skew + " s)");
        }
        // 4. An entry left.
        long here = Math.max(0, local.since(pass.visitorId()));
        long used = pass.entriesCounted() + here;
        if (used >= pass.maxEntries()) {
            return PassDecision.deny(PassDenyReason.PASS_USED_UP, found, "all " + pass.maxEntries() + " entries are"
                    + " used: " + pass.entriesCounted() + " counted by the server, " + here + " offline at this reader");
        }
        // 5. Grant.
        return new PassDecision(Optional.empty(), found, "entry " + (used + 1) + " of " + pass.maxEntries()
                + " (" + pass.entriesCounted() + " counted by the server, " + here + " offline here before)");
    }

    /**
     * The pass a bundle lists for a visitor, if any.
     *
     * @param visitorId the visitor; not null
     * @return the pass, or empty
     */
    public Optional<BundlePass> byVisitor(String visitorId) {
        return byDigest.values().stream().filter(pass -> pass.visitorId().equals(visitorId)).findFirst();
    }
}
