-- Passkeys: WebAuthn credentials that are door devices (a device row of their own each), and the single-use
-- challenges of their ceremonies.

-- One row per registered credential. What the authenticator and its attestation said at registration is kept as it
-- came, so that a trust decision can be explained (and redone) later.
CREATE TABLE passkeys (
    credential_id         TEXT PRIMARY KEY,
    device_id             TEXT NOT NULL UNIQUE,
    user_id               TEXT NOT NULL REFERENCES users (id),
    user_handle           ${bytes} NOT NULL,
    public_key_cose       ${bytes} NOT NULL,
    signature_count       BIGINT NOT NULL,
    aaguid                TEXT NOT NULL,
    attestation_format    TEXT NOT NULL,
    attestation_statement ${bytes} NOT NULL,
    transports            TEXT NOT NULL,
    backup_eligible       BOOLEAN NOT NULL,
    backed_up             BOOLEAN NOT NULL,
    trust                 TEXT NOT NULL,
    trust_reason          TEXT NOT NULL,
    possibly_cloned_at    BIGINT,
    backed_up_changed_at  BIGINT,
    created_at            BIGINT NOT NULL,
    last_used_at          BIGINT
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);

-- A challenge lives until its ceremony finishes (it is deleted then, used or not) or it expires; the request it was
-- issued with is kept whole, because the ceremony's answer is checked against it and nothing the client sends back.
CREATE TABLE passkey_challenges (
    id           TEXT PRIMARY KEY,
    ceremony     TEXT NOT NULL CHECK (ceremony IN ('registration', 'assertion')),
    subject      TEXT NOT NULL,
    request_json TEXT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX passkey_challenges_expiry ON passkey_challenges (expires_at);
