package io.gatehouse.protocol.bundle;

/**
 * Why {@link BundleVerifier} refused a bundle: one reason per failing check, named after the step that
 * found it. The {@link #code()} strings are stable: the reader reports them.
 */
public enum BundleRefusal {

    /** Step 1: the bytes are complete but not a well-formed bundle. */
    MALFORMED(1, "malformed"),
    /** Step 1: the bytes end before the bundle does (a cut-off download). */
    TRUNCATED(1, "truncated"),
    /** Step 2: the bundle names a signing key id that the reader has not pinned. */
    UNKNOWN_KEY(2, "unknown_key"),
    /** Step 3: the signature does not verify with the pinned key of that id. */
    BAD_SIGNATURE(3, "bad_signature"),
    /** Step 4: the version is not greater than the last one the reader accepted. */
    OLD_VERSION(4, "old_version"),
    /** Step 5: the bundle was made for another reader. */
    WRONG_READER(5, "wrong_reader");

    private final int step;
    private final String code;

    BundleRefusal(int step, String code) {
        this.step = step;
        this.code = code;
    }

    /**
     * Returns the number of the verification step that produces this reason.
     *
     * @return 1..5
     */
    public int step() {
        return step;
    }

    /**
     * Returns the stable machine-readable code.
     *
     * @return a lower_snake_case string, never null
     */
    public String code() {
        return code;
    }
}
