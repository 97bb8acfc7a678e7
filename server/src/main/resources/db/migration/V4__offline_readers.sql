-- Offline readers: provisioning tokens, the reader's own key, its bundle version and the head of its event chain,
-- and the server's bundle-signing keys (private halves encrypted under the master key).

ALTER TABLE readers ADD COLUMN public_key ${bytes};
ALTER TABLE readers ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE readers ADD COLUMN bundle_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE readers ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE readers ADD COLUMN event_hash ${bytes};

CREATE TABLE reader_provisioning (
    id          TEXT PRIMARY KEY,
    reader_id   TEXT NOT NULL REFERENCES readers (id),
    secret_hash ${bytes} NOT NULL UNIQUE,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'used', 'superseded')),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    ended_at    BIGINT
);

CREATE TABLE server_keys (
    key_id                 TEXT PRIMARY KEY,
    purpose                TEXT NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('active', 'next', 'retired')),
    private_key_ciphertext ${bytes},
    public_key             ${bytes} NOT NULL,
    created_at             BIGINT NOT NULL,
    retired_at             BIGINT
);
