-- Authorization codes and the tokens they produce. Codes and tokens are kept only as their SHA-256. A code is used
-- once: a second use revokes every token whose origin is that code (RFC 6749 §4.1.2). Refresh tokens of one
-- sign-in share a family; presenting a rotated-away refresh token revokes the family.
CREATE TABLE oidc_codes (
    code_hash      ${bytes} PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT,
    nonce          TEXT,
    scope          TEXT NOT NULL,
    auth_time      BIGINT NOT NULL,
    acr            TEXT NOT NULL,
    amr            TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);
CREATE INDEX oidc_codes_expiry ON oidc_codes (expires_at);

CREATE TABLE oidc_tokens (
    token_hash  ${bytes} PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id   TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope       TEXT NOT NULL,
    code_hash   ${bytes} NOT NULL,
    family      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX oidc_tokens_by_code ON oidc_tokens (code_hash);
CREATE INDEX oidc_tokens_by_family ON oidc_tokens (family);

-- A private_key_jwt assertion is accepted once (its jti), until it expires.
CREATE TABLE oidc_assertion_ids (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, jti)
);
