-- The OpenID Connect provider: clients registered by administrators, and the keys that sign ID tokens.
-- A client's redirect URIs are a JSON array of exact URIs; a confidential client keeps only the SHA-256 of its
-- secret, or the JWKS it signs private_key_jwt assertions with.
CREATE TABLE oidc_clients (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    public_client   BOOLEAN NOT NULL,
    redirect_uris   TEXT NOT NULL,
    post_logout_uris TEXT NOT NULL,
    secret_hash     ${bytes},
    jwks            TEXT,
    refresh_tokens  BOOLEAN NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    CHECK (NOT public_client OR (secret_hash IS NULL AND jwks IS NULL))
);

-- Signing keys (ECDSA P-256, ES256), sealed under the master key like the minting keys. Rotation in two steps:
-- a 'next' key is published in the JWKS before it signs; the step that makes it 'active' keeps the old key
-- published as 'previous' (its private half erased) so that tokens it signed still verify until the next rotation.
CREATE TABLE oidc_signing_keys (
    id                     TEXT PRIMARY KEY,
    generation             BIGINT NOT NULL UNIQUE CHECK (generation >= 1),
    kid                    TEXT NOT NULL UNIQUE,
    status                 TEXT NOT NULL CHECK (status IN ('active', 'next', 'previous', 'retired')),
    private_key_ciphertext ${bytes},
    public_key             ${bytes} NOT NULL,
    created_at             BIGINT NOT NULL,
    retired_at             BIGINT,
    CHECK ((status IN ('active', 'next')) = (private_key_ciphertext IS NOT NULL))
);
CREATE UNIQUE INDEX oidc_signing_keys_one_active ON oidc_signing_keys (status) WHERE status = 'active';
CREATE UNIQUE INDEX oidc_signing_keys_one_next ON oidc_signing_keys (status) WHERE status = 'next';
CREATE UNIQUE INDEX oidc_signing_keys_one_previous ON oidc_signing_keys (status) WHERE status = 'previous';
