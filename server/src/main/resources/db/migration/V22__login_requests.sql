-- Cross-device sign-in: a browser's login request that an enrolled phone approves. The browser holds the only copy
-- of its secret, the QR code the only copy of the handle, the approving browser the only copy of the completion
-- token: this table keeps their SHA-256. The number is kept in clear: the server compares the phone's choice to it.
CREATE TABLE login_requests (
    id                TEXT PRIMARY KEY,
    handle_hash       ${bytes} NOT NULL UNIQUE,
    secret_hash       ${bytes} NOT NULL,
    application       TEXT NOT NULL,
    browser           TEXT NOT NULL,
    location          TEXT NOT NULL,
    number            INTEGER NOT NULL,
    choices           TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    state             TEXT NOT NULL,
    reason            TEXT,
    user_id           TEXT,
    device_id         TEXT,
    answered_at       BIGINT,
    token_hash        ${bytes} UNIQUE,
    token_expires_at  BIGINT,
    completed_at      BIGINT
);
CREATE INDEX login_requests_by_user ON login_requests (user_id);
