-- Visitor passes. A pass is a bearer QR code: the table keeps the SHA-256 of its handle (the lookup key) and the
-- handle sealed with the master key (SecretBox) only while the invitation may be sent again; the seal is wiped when
-- the window ends, on revocation and on erasure. Name, e-mail and the host's note are the personal data: they become
-- NULL when the visitor is erased (a retention period after the window, or at once on request), and the row stays
-- as a pseudonymous record (id, doors, window, counts) that the audit trail's 'visitor:<id>' still resolves to.
CREATE TABLE visitors (
    id             TEXT PRIMARY KEY,
    handle_hash    ${bytes} NOT NULL UNIQUE,
    handle_sealed  ${bytes},
    name           TEXT,
    email          TEXT,
    note           TEXT,
    host_user_id   TEXT,
    valid_from     BIGINT NOT NULL,
    valid_until    BIGINT NOT NULL,
    max_entries    INTEGER NOT NULL CHECK (max_entries > 0),
    -- Counted by a conditional UPDATE (entries_used < max_entries) in the decision's transaction, so that scans at
    -- two readers, or on two nodes sharing PostgreSQL, never grant more entries than allowed.
    entries_used   INTEGER NOT NULL DEFAULT 0 CHECK (entries_used >= 0),
    state          TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
    invitation_id  TEXT,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    revoked_at     BIGINT,
    last_entry_at  BIGINT,
    erased_at      BIGINT,
    CHECK (valid_until > valid_from),
    CHECK (entries_used <= max_entries)
);
CREATE INDEX visitors_by_window_end ON visitors (valid_until);
CREATE INDEX visitors_by_creation ON visitors (created_at);

-- The doors a pass opens: named directly, or through a zone (every door of the zone, as it is at the scan).
CREATE TABLE visitor_doors (
    visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    door_id    TEXT NOT NULL REFERENCES doors (id) ON DELETE CASCADE,
    PRIMARY KEY (visitor_id, door_id)
);
CREATE INDEX visitor_doors_by_door ON visitor_doors (door_id);

CREATE TABLE visitor_zones (
    visitor_id TEXT NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
    zone_id    TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    PRIMARY KEY (visitor_id, zone_id)
);
CREATE INDEX visitor_zones_by_zone ON visitor_zones (zone_id);

-- Outgoing mail, written in the transaction of what causes it and delivered after the commit by a background
-- sender. The message (recipient, subject, bodies, inline images) is sealed with the master key: an invitation
-- carries a pass's handle and a person's address. The content is deleted once the message is sent, when it failed
-- for good, or when its subject's personal data is erased; the row stays with its delivery state. A sender takes a
-- message by setting a lease, so that two nodes do not send it twice.
CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    purpose         TEXT NOT NULL,
    reference_id    TEXT,
    content         ${bytes},
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_by_reference ON mail_outbox (purpose, reference_id);
