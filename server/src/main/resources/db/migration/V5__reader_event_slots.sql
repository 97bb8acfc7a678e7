-- Reader event ids get their own indexed table instead of a lookup in the audit records' JSON. One row per claim the
-- server holds for a reader's event id (reader, generation, seq): its own online decision of a scan sent with that
-- event id, events signed by the reader's key, and claims that are not signed by it (kept as evidence). The bare
-- event id (the "slot") is only ever given to the online decision or a signed event; other claims for the same seq
-- get an event id with a suffix, so a forged claim can never make the genuine event look like a duplicate.
-- digest: for uploaded events the SHA-256 of their content (docs/protocol.md D.2), for online decisions a digest of
-- decision, reason and credential. event_id is the audit record's event id. Records merged before this version are
-- not listed; an upload treats an audit record that already holds the bare event id as the same event.
CREATE TABLE reader_events (
    event_id   TEXT PRIMARY KEY,
    reader_id  TEXT NOT NULL REFERENCES readers (id),
    generation INTEGER NOT NULL,
    seq        BIGINT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('online', 'signed', 'unsigned')),
    digest     ${bytes} NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX reader_events_claims ON reader_events (reader_id, generation, seq, source, digest);
