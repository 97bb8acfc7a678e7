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
 * Decides a visitor pass offline from a verified bundle, in the numbered steps of the server's online decision with
 * the same reasons (docs/protocol.md, "Visitor passes offline"):
 * <ol>
 *   <li>the text is a pass link whose last segment is a handle, else {@code malformed_pass};
 *   <li>the handle's SHA-256 is a pass the door's bundle lists, else {@code unknown_pass};
 *   <li>(not erased or revoked) and 4. (this door invited): the server lists only such passes in a door's bundle,
 *       so offline a revoked, erased or other door's pass is {@code unknown_pass} from the reader's next sync;
 *   <li value="5">the window, widened by the door's allowed skew at both ends: {@code now >= validFrom - skew}, else
 *       {@code pass_not_yet_valid}; {@code now < validUntil + skew}, else {@code pass_expired};
 *   <li>an entry is left: {@code entriesCounted + entries counted here since < maxEntries}, else
 *       {@code entries_used_up};
 *   <li>grant; the caller counts the entry durably before the door opens.
 * </ol>
 * Built once per accepted bundle; immutable and thread-safe.
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
     * Decides a scanned text that {@link PassText#recognises} as a pass.
     *
     * @param text the scanned text; not null
     * @param nowEpochSecond the reader's clock
     * @param local the entries this reader counted since the bundle; not null
     * @return the decision, never null
     */
    public PassDecision decide(String text, long nowEpochSecond, LocalEntries local) {
        Objects.requireNonNull(local, "local");
        // 1. A handle.
        Optional<PassText> parsed = PassText.parse(Objects.requireNonNull(text, "text"));
        if (parsed.isEmpty()) {
            return PassDecision.deny(PassDenyReason.MALFORMED_PASS, Optional.empty(), "the link does not end in a "
                    + PassText.HANDLE_LENGTH + "-character handle");
        }
        // 2. Listed: the digest is the lookup key; the found entry's digest is compared in constant time.
        byte[] digest = parsed.get().digest();
        BundlePass pass = byDigest.get(HexFormat.of().formatHex(digest));
        if (pass == null || !MessageDigest.isEqual(digest, pass.handleDigest())) {
            return PassDecision.deny(PassDenyReason.UNKNOWN_PASS, Optional.empty(), "this door's bundle lists no"
                    + " pass with this handle (unknown, revoked, erased, ended, or not for this door)");
        }
        Optional<BundlePass> found = Optional.of(pass);
        // 5. The window, widened by the door's allowed skew at both ends.
        if (nowEpochSecond < pass.validFromEpochSecond() - skew) {
            return PassDecision.deny(PassDenyReason.PASS_NOT_YET_VALID, found, "valid from "
                    + Instant.ofEpochSecond(pass.validFromEpochSecond()) + "; the reader's clock says "
                    + Instant.ofEpochSecond(nowEpochSecond) + " (allowed skew " + skew + " s)");
        }
        if (nowEpochSecond >= pass.validUntilEpochSecond() + skew) {
            return PassDecision.deny(PassDenyReason.PASS_EXPIRED, found, "valid until "
                    + Instant.ofEpochSecond(pass.validUntilEpochSecond()) + "; the reader's clock says "
                    + Instant.ofEpochSecond(nowEpochSecond) + " (allowed skew " + skew + " s)");
        }
        // 6. An entry left, counting the server's count and this reader's offline entries since.
        long here = Math.max(0, local.since(pass.visitorId()));
        long used = pass.entriesCounted() + here;
        if (used >= pass.maxEntries()) {
            return PassDecision.deny(PassDenyReason.ENTRIES_USED_UP, found, "all " + pass.maxEntries() + " entries"
                    + " used: " + pass.entriesCounted() + " counted by the server, " + here + " offline at this reader");
        }
        // 7. Granted.
        return new PassDecision(Optional.empty(), found, "entry " + (used + 1) + " of " + pass.maxEntries()
                + " (" + pass.entriesCounted() + " counted by the server, " + here + " offline here before)");
    }
}
