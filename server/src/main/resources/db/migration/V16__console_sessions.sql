-- Console sessions: server-side, so that signing out, revoking one from the list, suspending the person or taking
-- their console role ends them at once. The cookie holds the only copy of the secret; this table its SHA-256.
CREATE TABLE console_sessions (
    id              TEXT PRIMARY KEY,
    secret_hash     ${bytes} NOT NULL UNIQUE,
    user_id         TEXT NOT NULL,
    method          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    verified_at     BIGINT NOT NULL,
    client_address  TEXT,
    user_agent      TEXT,
    ended_at        BIGINT,
    end_reason      TEXT
);
CREATE INDEX console_sessions_by_user ON console_sessions (user_id, created_at);

-- A role policy may let its people sign in to the console with TOTP (and recovery codes) instead of a passkey.
ALTER TABLE role_policies ADD COLUMN console_totp_sign_in BOOLEAN NOT NULL DEFAULT FALSE;
