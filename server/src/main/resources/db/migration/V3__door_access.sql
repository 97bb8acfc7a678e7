-- Door access: sites, zones, doors, readers, access rules, enrolled devices and the single-use record of proofs.

CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE zones (
    id         TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL REFERENCES sites (id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE doors (
    id                        TEXT PRIMARY KEY,
    zone_id                   TEXT NOT NULL REFERENCES zones (id),
    name                      TEXT NOT NULL,
    proof_lifetime_seconds    INTEGER NOT NULL,
    allowed_skew_seconds      INTEGER NOT NULL,
    require_user_verification BOOLEAN NOT NULL,
    minimum_device_trust      TEXT NOT NULL,
    offline_mode              TEXT NOT NULL CHECK (offline_mode IN ('fail_secure', 'fail_open')),
    max_bundle_age_seconds    INTEGER NOT NULL,
    created_at                BIGINT NOT NULL
);

CREATE TABLE readers (
    id          TEXT PRIMARY KEY,
    door_id     TEXT NOT NULL REFERENCES doors (id),
    name        TEXT NOT NULL,
    secret_hash ${bytes} NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE access_rules (
    id         TEXT PRIMARY KEY,
    zone_id    TEXT NOT NULL REFERENCES zones (id),
    role       TEXT,
    user_id    TEXT REFERENCES users (id),
    schedule   TEXT,
    created_at BIGINT NOT NULL,
    CHECK ((role IS NULL AND user_id IS NOT NULL) OR (role IS NOT NULL AND user_id IS NULL))
);
CREATE INDEX access_rules_by_zone ON access_rules (zone_id);

CREATE TABLE devices (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    credential_id TEXT NOT NULL UNIQUE,
    public_key    ${bytes} NOT NULL,
    trust         TEXT NOT NULL,
    model         TEXT,
    os            TEXT,
    app_version   TEXT,
    attestation   TEXT,
    status        TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE device_enrollments (
    id         TEXT PRIMARY KEY,
    token_hash ${bytes} NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    status     TEXT NOT NULL CHECK (status IN ('pending', 'used', 'expired')),
    device_id  TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at   BIGINT
);

-- A proof's (credential, nonce) is inserted in the transaction of its decision: the primary key makes the second
-- presentation of the same proof lose, on one node or several sharing PostgreSQL. Expired rows are pruned.
CREATE TABLE access_replay (
    credential_id TEXT NOT NULL,
    nonce         BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    PRIMARY KEY (credential_id, nonce)
);
CREATE INDEX access_replay_expiry ON access_replay (expires_at);
