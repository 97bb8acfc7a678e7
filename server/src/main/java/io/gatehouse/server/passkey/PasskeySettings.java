package io.gatehouse.server.passkey;

import com.yubico.webauthn.data.COSEAlgorithmIdentifier;
import io.gatehouse.server.common.GatehouseException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the operator decides about passkeys.
 *
 * @param algorithms the signature algorithms a new passkey may use, by COSE name; ES256 unless more are allowed
 * @param metadataBlob a FIDO Metadata Service (MDS3) BLOB file; without it no attestation is trusted through it
 * @param metadataRoot the certificate the BLOB's signature must chain to; the FIDO root shipped with Gatehouse
 *     when empty (tests and private metadata services set their own)
 * @param metadataCrls the revocation lists of the BLOB's certificate chain (PEM or DER), fetched beside the BLOB:
 *     its chain is checked for revocation and nothing is downloaded at run time
 * @param extraRoots a PEM file of further attestation roots the operator trusts (for example a company's own
 *     security keys)
 */
public record PasskeySettings(List<String> algorithms, Optional<Path> metadataBlob, Optional<Path> metadataRoot,
        Optional<Path> metadataCrls, Optional<Path> extraRoots) {
    private static final List<String> KNOWN = List.of("ES256", "EdDSA", "ES384", "ES512", "RS256");

    public PasskeySettings {
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw GatehouseException.invalid("invalid_passkey_settings", "at least one passkey algorithm must be"
                    + " allowed");
        }
        for (String name : algorithms) {
            if (!KNOWN.contains(name)) {
                throw GatehouseException.invalid("invalid_passkey_settings", "passkey algorithm: expected one of "
                        + KNOWN + ", got '" + name + "'");
            }
        }
    }

    /** ES256 only, no metadata, no extra roots: every passkey is {@code software} or {@code synced}. */
    public static PasskeySettings defaults() {
        return new PasskeySettings(List.of("ES256"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    List<COSEAlgorithmIdentifier> coseAlgorithms() {
        return algorithms.stream().map(name -> COSEAlgorithmIdentifier.valueOf(name)).toList();
    }
}
