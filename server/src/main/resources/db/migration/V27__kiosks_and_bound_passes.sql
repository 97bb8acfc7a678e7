-- Lobby kiosks. A kiosk is a browser on a tablet in the lobby; an administrator pairs it with a one-time link that
-- lives a few minutes (only its SHA-256 is kept), and the browser that opens the link receives the kiosk's own
-- credential: a long random secret held in a cookie, of which the table keeps only the SHA-256. Revoking a kiosk
-- deletes nothing: its credential hash stops matching the state 'revoked' at once. Short codes typed at a kiosk are
-- counted per kiosk: five wrong in a row lock that kiosk's code entry until locked_until.
CREATE TABLE kiosks (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('pending', 'paired', 'revoked')),
    pairing_hash       ${bytes} UNIQUE,
    pairing_expires_at BIGINT,
    secret_hash        ${bytes} UNIQUE,
    failed_codes       INTEGER NOT NULL DEFAULT 0,
    locked_until       BIGINT,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    paired_at          BIGINT,
    last_seen_at       BIGINT,
    revoked_at         BIGINT
);

-- What the kiosk feature adds to a visitor's pass: its short code (8 characters of an unambiguous alphabet, typed
-- at a kiosk instead of showing the QR code; only its SHA-256 is kept) and its check-in. One row per pass.
CREATE TABLE pass_kiosk_state (
    visitor_id       TEXT PRIMARY KEY REFERENCES visitors (id) ON DELETE CASCADE,
    short_code_hash  ${bytes} UNIQUE,
    checked_in_at    BIGINT,
    checked_in_by    TEXT
);

-- One-time links that bind a pass to a phone; only their SHA-256 is kept, and a link is spent by the binding.
CREATE TABLE pass_bind_links (
    link_hash   ${bytes} PRIMARY KEY,
    visitor_id  TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX pass_bind_links_by_visitor ON pass_bind_links (visitor_id);

-- Passkeys of passes (not of people's devices): a phone bound to a pass signs in to its pass page with it, and the
-- server mints access proofs for the pass's access credential id (credential_id, the id a proof names).
CREATE TABLE pass_passkeys (
    webauthn_id      TEXT PRIMARY KEY,
    visitor_id       TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    credential_id    TEXT NOT NULL UNIQUE,
    user_handle      ${bytes} NOT NULL,
    public_key_cose  ${bytes} NOT NULL,
    signature_count  BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    last_used_at     BIGINT
);
CREATE INDEX pass_passkeys_by_visitor ON pass_passkeys (visitor_id);

-- The waiting WebAuthn ceremonies of passes (registration at binding, assertion at a door code), each taken once.
CREATE TABLE pass_ceremonies (
    id            TEXT PRIMARY KEY,
    ceremony      TEXT NOT NULL CHECK (ceremony IN ('registration', 'assertion')),
    visitor_id    TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    request_json  TEXT NOT NULL,
    expires_at    BIGINT NOT NULL
);

-- A door that demands a bound pass refuses a visitor's plain QR code (reason pass_not_bound) and admits only the
-- short-lived code the pass's bound phone gets after a user-verified passkey assertion.
ALTER TABLE doors ADD COLUMN require_bound_pass BOOLEAN NOT NULL DEFAULT FALSE;
