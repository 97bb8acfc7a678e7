-- Second-factor throttling per source, and the audit of repeated rejections (docs/security.md, "Hardening after
-- the outside review"). Both tables are written only under the lock of their user's row.

-- The end of the user's current failure window: at most lockout.threshold counted failures fit in one window.
ALTER TABLE users ADD COLUMN failure_window_ends BIGINT;

-- One row per (user, source) that failed recently; created only by a counted failure, so the user's guess budget
-- bounds how many exist, and deleted by the background sweep once forget_at has passed.
CREATE TABLE totp_source_throttle (
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locks        INTEGER NOT NULL,
    locked_until BIGINT,
    forget_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, source)
);
CREATE INDEX totp_source_throttle_forget ON totp_source_throttle (forget_at);

-- Rejections that do not consume a guess (locked, suspended, not_enrolled, replayed): the first of a window is
-- audited as it happens, the repeats are only counted here and summarised in one record when the window closes.
-- At most one open window per user, action and reason.
CREATE TABLE totp_rejection_windows (
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    window_start   BIGINT NOT NULL,
    window_ends    BIGINT NOT NULL,
    repeats        INTEGER NOT NULL,
    actor          TEXT,
    client_address TEXT,
    user_agent     TEXT,
    PRIMARY KEY (user_id, action, reason)
);
CREATE INDEX totp_rejection_windows_ends ON totp_rejection_windows (window_ends);
