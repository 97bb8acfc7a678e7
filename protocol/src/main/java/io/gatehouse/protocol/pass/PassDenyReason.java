package io.gatehouse.protocol.pass;

/**
 * Why a visitor pass was refused, online (the server) or offline (a reader from its bundle): one reason per failed
 * step, with the same codes in both places (docs/protocol.md, "Visitor passes").
 */
public enum PassDenyReason {
    /** Recognised as a pass link, but its last segment is not a handle. */
    MALFORMED_PASS("malformed_pass", 1),
    /** No pass has this handle (offline: the door's bundle lists none). */
    UNKNOWN_PASS("unknown_pass", 2),
    /** The visitor was erased; online only, offline the pass is not listed. */
    PASS_ERASED("pass_erased", 3),
    /** The pass was revoked; online only, offline the pass is not listed. */
    PASS_REVOKED("pass_revoked", 3),
    /** The pass names neither this door nor its zone; online only, offline a bundle lists its door's passes only. */
    DOOR_NOT_INVITED("door_not_invited", 4),
    /** The window has not started (beyond the door's allowed skew). */
    PASS_NOT_YET_VALID("pass_not_yet_valid", 5),
    /** The window has ended (beyond the door's allowed skew). */
    PASS_EXPIRED("pass_expired", 5),
    /** Every entry was used. */
    ENTRIES_USED_UP("entries_used_up", 6);

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
