package io.gatehouse.protocol.pass;

import io.gatehouse.protocol.bundle.BundlePass;
import java.util.Objects;
import java.util.Optional;

/**
 * An offline pass decision.
 *
 * @param reason empty for a grant, else the one reason
 * @param pass the bundle's pass, once the handle named one
 * @param detail what exactly was checked or failed, for the audit record; never the handle
 */
public record PassDecision(Optional<PassDenyReason> reason, Optional<BundlePass> pass, String detail) {

    public PassDecision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(pass, "pass");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean granted() {
        return reason.isEmpty();
    }

    /** The subject events name for the pass's visitor: {@code visitor:<id>}. */
    public Optional<String> subject() {
        return pass.map(found -> PassVerifier.SUBJECT_PREFIX + found.visitorId());
    }

    static PassDecision deny(PassDenyReason reason, Optional<BundlePass> pass, String detail) {
        return new PassDecision(Optional.of(reason), pass, detail);
    }
}
