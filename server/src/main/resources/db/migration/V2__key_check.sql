-- One row per master key that has protected data here: a MAC of a fixed text under a key derived from it. At start
-- the server recomputes each with the key file it was given, so a replaced key file that happens to reuse a key id
-- is refused before it can write data nobody can read.
CREATE TABLE master_key_checks (
    key_id     TEXT PRIMARY KEY,
    check_mac  ${bytes} NOT NULL,
    created_at BIGINT NOT NULL
);
