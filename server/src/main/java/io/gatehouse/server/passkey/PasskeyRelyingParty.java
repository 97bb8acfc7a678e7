package io.gatehouse.server.passkey;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.PublicKeyCredentialParameters;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Yubico's relying party for this server, built on first use: the public base URL is known only once the server
 * listens when it is not configured. Attestation is asked for (direct) so that trust can be decided from it, but a
 * passkey without a trusted attestation is still accepted, as {@code software} or {@code synced}.
 */
public final class PasskeyRelyingParty {
    private final Supplier<URI> base;
    private final String name;
    private final PasskeySettings settings;
    private final TrustRoots trustRoots;
    private final Clock clock;
    private volatile RelyingParty built;

    public PasskeyRelyingParty(Supplier<URI> base, String name, PasskeySettings settings, TrustRoots trustRoots,
            Clock clock) {
        this.base = base;
        this.name = name;
        this.settings = settings;
        this.trustRoots = trustRoots;
        this.clock = clock;
    }

    TrustRoots trustRoots() {
        return trustRoots;
    }

    /** The relying party; refuses with {@code insecure_origin} where browsers would not offer WebAuthn. */
    public RelyingParty get(CredentialRepository credentials) {
        RelyingParty rp = built;
        if (rp == null) {
            RelyingPartyOrigin origin = RelyingPartyOrigin.of(base.get());
            List<PublicKeyCredentialParameters> algorithms = settings.coseAlgorithms().stream()
                    .map(alg -> PublicKeyCredentialParameters.builder().alg(alg).build()).toList();
            rp = RelyingParty.builder().identity(RelyingPartyIdentity.builder().id(origin.id()).name(name).build())
                    .credentialRepository(credentials).origins(Set.of(origin.origin()))
                    .preferredPubkeyParams(algorithms)
                    .attestationConveyancePreference(AttestationConveyancePreference.DIRECT)
                    .attestationTrustSource(trustRoots).allowUntrustedAttestation(true)
                    // The counter is checked by PasskeyService, which records a regression before refusing it.
                    .validateSignatureCounter(false).clock(clock).build();
            built = rp;
        }
        return rp;
    }
}
