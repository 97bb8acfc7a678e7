package io.gatehouse.protocol.access;

import java.util.Objects;

/**
 * The outcome of {@link AccessProofCodec#parse(String)}: either a well-formed proof (not yet verified)
 * or the single reason the input is not one.
 */
public sealed interface ParseResult {

    /**
     * The input is a well-formed version 1 access proof. Its signature has not been checked.
     *
     * @param proof the proof; not null
     */
    record Parsed(AccessProof proof) implements ParseResult {

        /**
         * @throws NullPointerException if {@code proof} is null
         */
        public Parsed {
            Objects.requireNonNull(proof, "proof");
        }
    }

    /**
     * The input is not a well-formed access proof.
     *
     * @param detail what exactly was wrong, naming the expected and the actual value, for example
     *     {@code "expected 95 bytes, got 94"}; not null, at most a few hundred characters, and never a
     *     copy of the whole input
     */
    record Malformed(String detail) implements ParseResult {

        /**
         * @throws NullPointerException if {@code detail} is null
         */
        public Malformed {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
