-- Sign-in to applications: which methods a role and a client allow, and whether they must be phishing-resistant
-- (passkey or phone approval). Methods are names separated by spaces, strongest first.
ALTER TABLE role_policies ADD COLUMN sign_in_methods TEXT NOT NULL DEFAULT 'passkey phone totp recovery_code';
ALTER TABLE role_policies ADD COLUMN phishing_resistant_sign_in BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE oidc_clients ADD COLUMN sign_in_methods TEXT NOT NULL DEFAULT 'passkey phone totp recovery_code';
ALTER TABLE oidc_clients ADD COLUMN phishing_resistant BOOLEAN NOT NULL DEFAULT FALSE;

-- Provider sessions: a browser that signed in, what it proved and when. The cookie holds the id and a secret; the
-- server keeps the secret's SHA-256. auth_time is the last active authentication (any method); phr_at the last
-- phishing-resistant one, which raises the session's level only for a while (oidc.step-up-minutes); device_id is
-- the passkey device of that authentication, so that revoking the device ends what it proved.
CREATE TABLE oidc_sessions (
    id           TEXT PRIMARY KEY,
    secret_hash  ${bytes} NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_time    BIGINT NOT NULL,
    amr          TEXT NOT NULL,
    phr_at       BIGINT,
    device_id    TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ended_at     BIGINT
);
CREATE INDEX oidc_sessions_by_user ON oidc_sessions (user_id);
CREATE INDEX oidc_sessions_expiry ON oidc_sessions (expires_at);
