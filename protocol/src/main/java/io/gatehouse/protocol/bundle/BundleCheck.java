package io.gatehouse.protocol.bundle;

import java.util.Objects;

/** The verdict of {@link BundleVerifier}: the bundle may be used, or the one reason it may not. */
public sealed interface BundleCheck {

    /**
     * Every step passed: the bundle is authentic, newer than the last one, and meant for this reader.
     *
     * @param bundle the verified payload; not null
     * @param signingKeyId the pinned key that signed it; not null
     */
    record Accepted(ReaderBundle bundle, String signingKeyId) implements BundleCheck {

        /**
         * @throws NullPointerException if an argument is null
         */
        public Accepted {
            Objects.requireNonNull(bundle, "bundle");
            Objects.requireNonNull(signingKeyId, "signingKeyId");
        }
    }

    /**
     * A step failed; the reader keeps its last good bundle.
     *
     * @param reason which step failed; not null
     * @param detail the expected and the actual value; not null, at most a few hundred characters
     */
    record Refused(BundleRefusal reason, String detail) implements BundleCheck {

        /**
         * @throws NullPointerException if an argument is null
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
