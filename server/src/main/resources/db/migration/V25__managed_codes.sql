-- Managed QR codes: an opaque handle served at /q/{handle} that redirects to an administrator's URL or opens one of
-- Gatehouse's own links (enrollment, provisioning, visitor passes). The handle is kept only as its SHA-256 (the
-- lookup key) and, for codes whose link may be shown again, sealed with the master key; never in clear.
-- Stored states are active, disabled, revoked and ended (the feature's own link ended: end_reason says how);
-- expired and used up follow from expires_at and uses. scans and uses survive the deletion of scan details.
CREATE TABLE managed_codes (
    id              TEXT PRIMARY KEY,
    handle_hash     ${bytes} NOT NULL UNIQUE,
    handle_sealed   ${bytes},
    purpose         TEXT NOT NULL,
    target          TEXT,
    reference_id    TEXT,
    label           TEXT,
    state           TEXT NOT NULL,
    end_reason      TEXT,
    expires_at      BIGINT,
    max_uses        INTEGER,
    uses            INTEGER NOT NULL,
    scans           BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX managed_codes_by_created ON managed_codes (created_at, id);
CREATE INDEX managed_codes_by_reference ON managed_codes (purpose, reference_id);

-- One row per request of /q/{handle} or of an own-purpose link's page; the address only as its /24 or /48.
CREATE TABLE code_scans (
    id              ${autoinc_pk},
    code_id         TEXT NOT NULL REFERENCES managed_codes (id) ON DELETE CASCADE,
    scanned_at      BIGINT NOT NULL,
    device_type     TEXT NOT NULL,
    os_family       TEXT NOT NULL,
    browser_family  TEXT NOT NULL,
    country         TEXT,
    network         TEXT,
    outcome         TEXT NOT NULL,
    counted         BOOLEAN NOT NULL
);
CREATE INDEX code_scans_by_code_and_time ON code_scans (code_id, scanned_at);
CREATE INDEX code_scans_by_time ON code_scans (scanned_at);
