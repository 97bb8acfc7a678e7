package io.gatehouse.protocol.bundle;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The outcome of {@link BundleCodec#parse(byte[])}: a well-formed bundle whose signature has not been
 * checked yet, or the single reason the bytes are not one.
 */
public sealed interface BundleParseResult {

    /**
     * The bytes are a well-formed bundle. Nothing in it is to be believed before {@link BundleVerifier}
     * has checked the signature.
     *
     * @param bundle the payload; not null
     * @param signingKeyId the id of the key the bundle claims to be signed with; not null, not blank
     * @param signature the 64-byte P1363 signature; copied on the way in and out
     * @param signedLength how many leading bytes of the input the signature covers (after the domain
     *     label): everything before the signature; 1 or more
     */
    record Parsed(ReaderBundle bundle, String signingKeyId, byte[] signature, int signedLength)
            implements BundleParseResult {

        /**
         * @throws NullPointerException if a reference is null
         * @throws IllegalArgumentException if the signature is not 64 bytes or the length is below 1
         */
        public Parsed {
            Objects.requireNonNull(bundle, "bundle");
            Objects.requireNonNull(signingKeyId, "signingKeyId");
            Objects.requireNonNull(signature, "signature");
            if (signature.length != BundleCodec.SIGNATURE_LENGTH) {
                throw new IllegalArgumentException("bundle signature: expected " + BundleCodec.SIGNATURE_LENGTH
                        + " bytes, got " + signature.length);
            }
            if (signedLength < 1) {
                throw new IllegalArgumentException("signed length must be 1 or more, got " + signedLength);
            }
            signature = signature.clone();
        }

        /**
         * Returns a copy of the signature.
         *
         * @return a new 64-byte array, never null
         */
        @Override
        public byte[] signature() {
            return signature.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Parsed that
                    && bundle.equals(that.bundle)
                    && signingKeyId.equals(that.signingKeyId)
                    && MessageDigest.isEqual(signature, that.signature)
                    && signedLength == that.signedLength;
        }

        @Override
        public int hashCode() {
            return Objects.hash(bundle, signingKeyId, signedLength) * 31 + Arrays.hashCode(signature);
        }

        @Override
        public String toString() {
            return "Parsed[bundle version " + bundle.bundleVersion() + " for reader " + bundle.readerId()
                    + ", signingKeyId=" + signingKeyId + ", signature=" + HexFormat.of().formatHex(signature)
                    + ", signedLength=" + signedLength + "]";
        }
    }

    /**
     * The bytes are not a well-formed bundle.
     *
     * @param truncated true when the bytes end before the bundle does (a cut-off download), false when
     *     they are complete but wrong
     * @param detail what exactly was wrong and at which byte offset, naming the expected and the actual
     *     value; not null, at most a few hundred characters, never a copy of the input
     */
    record Malformed(boolean truncated, String detail) implements BundleParseResult {

        /**
         * @throws NullPointerException if {@code detail} is null
         */
        public Malformed {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
