-- Gatehouse schema, version 1. One set of scripts for SQLite and PostgreSQL; the few types that differ are
-- Flyway placeholders filled in by io.gatehouse.server.db.Dialect. Times are epoch milliseconds (BIGINT).

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_by_role ON user_roles (role);

CREATE TABLE role_policies (
    role                     TEXT PRIMARY KEY,
    totp_required            BOOLEAN NOT NULL,
    algorithm                TEXT NOT NULL,
    digits                   INTEGER NOT NULL,
    period_seconds           INTEGER NOT NULL,
    look_behind_steps        INTEGER NOT NULL,
    look_ahead_steps         INTEGER NOT NULL,
    enrollment_ttl_seconds   INTEGER NOT NULL,
    updated_at               BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  ${bytes} NOT NULL,
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE bootstrap_links (
    id          TEXT PRIMARY KEY,
    secret_hash ${bytes} NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE totp_credentials (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('active', 'replaced', 'revoked')),
    secret_ciphertext ${bytes},
    algorithm         TEXT NOT NULL,
    digits            INTEGER NOT NULL,
    period_seconds    INTEGER NOT NULL,
    last_used_step    BIGINT,
    created_at        BIGINT NOT NULL,
    ended_at          BIGINT
);
CREATE INDEX totp_credentials_by_user ON totp_credentials (user_id, status);

CREATE TABLE totp_enrollments (
    id                TEXT PRIMARY KEY,
    token_hash        ${bytes} NOT NULL UNIQUE,
    user_id           TEXT NOT NULL REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('pending', 'used', 'expired', 'superseded', 'revoked')),
    secret_ciphertext ${bytes},
    algorithm         TEXT NOT NULL,
    digits            INTEGER NOT NULL,
    period_seconds    INTEGER NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    ended_at          BIGINT
);
CREATE INDEX totp_enrollments_by_user ON totp_enrollments (user_id, status);
CREATE INDEX totp_enrollments_pending_expiry ON totp_enrollments (status, expires_at);

CREATE TABLE recovery_codes (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    key_id     TEXT NOT NULL,
    code_hash  ${bytes} NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    revoked_at BIGINT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- The audit log. A record is written in the transaction of the change it records, with a MAC over its content
-- (content_mac, keyed by the master key, so a database-only attacker cannot forge one). The chain fields are
-- filled in shortly afterwards, in batches, by the sealer: chain_mac = MAC(previous chain_mac, chain_seq,
-- content_mac). See docs/architecture.md, "Audit log".
CREATE TABLE audit_log (
    id             ${autoinc_pk},
    event_id       TEXT NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    subject_user   TEXT,
    subject        TEXT,
    result         TEXT NOT NULL,
    reason         TEXT,
    client_address TEXT,
    user_agent     TEXT,
    details        TEXT,
    key_id         TEXT NOT NULL,
    content_mac    ${bytes} NOT NULL,
    chain_seq      BIGINT UNIQUE,
    chain_mac      ${bytes}
);
CREATE INDEX audit_log_by_user ON audit_log (subject_user, id);
CREATE INDEX audit_log_unsealed ON audit_log (chain_seq, id);

CREATE TABLE audit_chain_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    chain_seq BIGINT NOT NULL,
    chain_mac ${bytes}
);
INSERT INTO audit_chain_head (id, chain_seq, chain_mac) VALUES (1, 0, NULL);
