package io.gatehouse.protocol.reader;

import java.util.Objects;

/**
 * The first thing wrong with a list of reader events, as found by {@link ReaderEvents#verifyChain}.
 *
 * @param index the position of the offending event in the list; 0 or more
 * @param eventId its event id; not null
 * @param kind what is wrong; not null
 * @param detail the expected and the actual value; not null
 */
public record ChainProblem(int index, String eventId, Kind kind, String detail) {

    /** What can be wrong with an event of a chain. */
    public enum Kind {
        /** The event belongs to another reader than the first event of the list. */
        MIXED_READERS("mixed_readers"),
        /** The seq is not the previous seq plus one: events are missing (or repeated). */
        GAP("gap"),
        /** The event's prevHash is not the previous event's hash: an event was removed, inserted or reordered. */
        BROKEN_LINK("broken_link"),
        /** The hash does not match the fields: the event was altered after it was written. */
        ALTERED("altered"),
        /** The signature does not verify with the reader's key: not written by this reader. */
        BAD_SIGNATURE("bad_signature");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /**
         * Returns the stable code.
         *
         * @return a lower_snake_case string, never null
         */
        public String code() {
            return code;
        }
    }

    /**
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if the index is negative
     */
    public ChainProblem {
        if (index < 0) {
            throw new IllegalArgumentException("index must be 0 or more, got " + index);
        }
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }
}
