package io.gatehouse.protocol.pass;

/**
 * Why a visitor pass was refused, online (the server) or offline (a reader from its bundle): one reason per failed
 * step, with the same codes in both places (docs/protocol.md, "Visitor passes offline").
 */
public enum PassDenyReason {
    /** No pass has this handle (offline: the door's bundle lists none; a revoked or erased pass is not listed). */
    UNKNOWN_PASS("unknown_pass", 1),
    /** The pass was revoked or erased; online only, offline it is not listed. */
    PASS_REVOKED("pass_revoked", 2),
    /** The pass does not invite this door; online only, offline a bundle lists only the passes of its door. */
    DOOR_NOT_ALLOWED("door_not_allowed", 3),
    /** The window has not started (beyond the door's allowed skew). */
    PASS_NOT_YET_VALID("pass_not_yet_valid", 4),
    /** The window has ended (beyond the door's allowed skew). */
    PASS_EXPIRED("pass_expired", 5),
    /** Every entry was used. */
    PASS_USED_UP("pass_used_up", 6);

    private final String code;
    private final int step;

    PassDenyReason(String code, int step) {
        this.code = code;
        this.step = step;
    }

    /** The reason code, as events and audit records carry it. */
    public String code() {
        return code;
    }

    /** The step of the pass decision that gives this reason. */
    public int step() {
        return step;
    }
}
