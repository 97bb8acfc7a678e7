package io.gatehouse.server.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import com.yubico.fido.metadata.FidoMetadataDownloader;
import com.yubico.fido.metadata.FidoMetadataService;
import com.yubico.fido.metadata.MetadataBLOB;
import com.yubico.fido.metadata.MetadataBLOBPayloadEntry;
import com.yubico.fido.metadata.MetadataStatement;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.attestation.AttestationTrustSource;
import com.yubico.webauthn.data.ByteArray;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The attestation roots Gatehouse trusts: those a FIDO Metadata Service BLOB lists per authenticator model, and the
 * operator's extra roots. Everything is read from files at start; nothing is downloaded at run time.
 */
public final class TrustRoots implements AttestationTrustSource {
    /** The terms the FIDO Metadata Service BLOB carries; a BLOB with other terms is refused, not silently used. */
    static final String FIDO_LEGAL_HEADER = "Retrieval and use of this BLOB indicates acceptance of the appropriate"
            + " agreement located at https://fidoalliance.org/metadata/metadata-legal-terms/";
    private static final String FIDO_ROOT_RESOURCE = "/passkey/fido-mds-root.pem";

    private final Optional<FidoMetadataService> metadata;
    private final Set<X509Certificate> extraRoots;

    private TrustRoots(Optional<FidoMetadataService> metadata, Set<X509Certificate> extraRoots) {
        this.metadata = metadata;
        this.extraRoots = Set.copyOf(extraRoots);
    }

    /** No roots at all: no attestation is trusted, every passkey is {@code software} or {@code synced}. */
    public static TrustRoots none() {
        return new TrustRoots(Optional.empty(), Set.of());
    }

    public static TrustRoots load(PasskeySettings settings, Clock clock) {
        Optional<FidoMetadataService> metadata = settings.metadataBlob().map(blob -> metadataService(blob,
                settings.metadataRoot().map(TrustRoots::readSingleCertificate).orElseGet(TrustRoots::fidoRoot),
                settings.metadataCrls().map(TrustRoots::readCrls).orElse(List.of()), clock));
        Set<X509Certificate> extra = settings.extraRoots().map(path -> Set.copyOf(readCertificates(path)))
                .orElse(Set.of());
        return new TrustRoots(metadata, extra);
    }

    @Override
    public TrustRootsResult findTrustRoots(List<X509Certificate> chain, Optional<ByteArray> aaguid) {
        Set<X509Certificate> roots = new HashSet<>(extraRoots);
        metadata.ifPresent(service -> roots.addAll(service.findTrustRoots(chain, aaguid).getTrustRoots()));
        // Revocation is what the metadata's status reports say; attestation certificates rarely name a CRL.
        return TrustRootsResult.builder().trustRoots(roots).enableRevocationChecking(false)
                .policyTreeValidator(policy -> true).build();
    }

    /** What the metadata says about the authenticator that made this registration, when it knows it. */
    Optional<MetadataStatement> statementFor(RegistrationResult registration) {
        return metadata.stream().flatMap(service -> service.findEntries(registration).stream())
                .map(MetadataBLOBPayloadEntry::getMetadataStatement).flatMap(Optional::stream).findFirst();
    }

    /**
     * Verifies the BLOB with Yubico's reader, which never downloads when handed the BLOB itself: 1 the header names
     * no certificate URL (x5u would be fetched), 2 its signature chains to {@code root}, 3 no certificate of that
     * chain is revoked by the given lists (a chain without lists for it is refused), 4 its legal header is FIDO's.
     */
    private static FidoMetadataService metadataService(Path blobFile, X509Certificate root, List<CRL> crls,
            Clock clock) {
        String jwt = readText(blobFile).strip();
        refuseCertificateUrl(jwt, blobFile);
        try {
            MetadataBLOB blob = FidoMetadataDownloader.builder().expectLegalHeader(FIDO_LEGAL_HEADER)
                    .useTrustRoot(root).useBlob(jwt).useCrls(crls).clock(clock).build().loadCachedBlob();
            if (!FIDO_LEGAL_HEADER.equals(blob.getPayload().getLegalHeader())) {
                throw GatehouseException.invalid("invalid_metadata", "the metadata BLOB " + blobFile
                        + " carries other terms than the FIDO Metadata Service's");
            }
            return FidoMetadataService.builder().useBlob(blob).build();
        } catch (GatehouseException e) {
            throw e;
        } catch (Exception e) {
            throw new GatehouseException(GatehouseException.Kind.INVALID, "invalid_metadata", "the metadata BLOB "
                    + blobFile + " cannot be verified against its root: " + e, java.util.Map.of(), e);
        }
    }

    private static void refuseCertificateUrl(String jwt, Path blobFile) {
        String[] parts = jwt.split("\\.");
        JsonNode header;
        try {
            header = Json.MAPPER.readTree(Base64Url.decode(parts[0]));
        } catch (IOException | IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_metadata", "the metadata BLOB " + blobFile + " is not a JWT");
        }
        if (parts.length != 3 || header == null || header.has("x5u")) {
            throw GatehouseException.invalid("invalid_metadata", "the metadata BLOB " + blobFile + " must be a JWT"
                    + " whose header carries its certificates (x5c); Gatehouse fetches nothing at run time");
        }
    }

    static X509Certificate fidoRoot() {
        try (InputStream in = TrustRoots.class.getResourceAsStream(FIDO_ROOT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the FIDO root certificate is missing from the build");
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException("the FIDO root certificate shipped with Gatehouse is unreadable", e);
        }
    }

    private static X509Certificate readSingleCertificate(Path file) {
        List<X509Certificate> certificates = readCertificates(file);
        if (certificates.size() != 1) {
            throw GatehouseException.invalid("invalid_metadata", "expected one certificate in " + file + ", found "
                    + certificates.size());
        }
        return certificates.get(0);
    }

    private static List<X509Certificate> readCertificates(Path file) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
                    readText(file).getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw GatehouseException.invalid("invalid_metadata", "expected PEM certificates in " + file);
        }
    }

    private static List<CRL> readCrls(Path file) {
        try {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(
                    Files.readAllBytes(file))));
        } catch (CRLException | CertificateException e) {
            throw GatehouseException.invalid("invalid_metadata", "expected certificate revocation lists in " + file);
        } catch (IOException e) {
            throw GatehouseException.invalid("invalid_metadata", "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw GatehouseException.invalid("invalid_metadata", "cannot read " + file + ": " + e.getMessage());
        }
    }
}
