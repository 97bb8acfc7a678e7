-- The server's minting keys (ECDSA P-256), which sign the web wallet's door codes (docs/protocol.md, "Minted
-- proofs"). A proof names its key by key_id, one byte, so ids are reused after 255 keys: generation counts every key
-- ever made and key_id = (generation - 1) mod 255 + 1. The private half is sealed under the master key (context
-- "minting-key:<id>") and erased when the key is retired.
CREATE TABLE minting_keys (
    id                     TEXT PRIMARY KEY,
    generation             BIGINT NOT NULL UNIQUE CHECK (generation >= 1),
    key_id                 INTEGER NOT NULL CHECK (key_id BETWEEN 1 AND 255),
    status                 TEXT NOT NULL CHECK (status IN ('active', 'next', 'retired')),
    private_key_ciphertext ${bytes},
    public_key             ${bytes} NOT NULL,
    created_at             BIGINT NOT NULL,
    retired_at             BIGINT,
    CHECK ((status = 'retired') = (private_key_ciphertext IS NULL))
);
-- At most one signing key and one announced key; two live keys never share a key id.
CREATE UNIQUE INDEX minting_keys_one_active ON minting_keys (status) WHERE status = 'active';
CREATE UNIQUE INDEX minting_keys_one_next ON minting_keys (status) WHERE status = 'next';
CREATE UNIQUE INDEX minting_keys_live_key_id ON minting_keys (key_id) WHERE status <> 'retired';
