-- Usernames unique without regard to case; why a link ended; device enrollment links that can be revoked.

-- users.username stays the display form; username_key is what makes two names the same user (see
-- io.gatehouse.server.user.Username: ASCII only, lower-cased). Usernames have always been ASCII, so LOWER() gives
-- the same key on SQLite and PostgreSQL as the Java code does.
ALTER TABLE users ADD COLUMN username_key TEXT;
UPDATE users SET username_key = LOWER(username);
-- Existing names that differ only by case: the oldest user keeps the name. Each later one gets a key no username
-- can fold to ('#' is outside the alphabet), so it stays reachable by id, keeps its display name, and can no longer
-- be named by username. operations.md shows how to find them.
UPDATE users SET username_key = LOWER(username) || '#' || id
WHERE EXISTS (SELECT 1 FROM users earlier
              WHERE LOWER(earlier.username) = LOWER(users.username)
                AND (earlier.created_at < users.created_at
                     OR (earlier.created_at = users.created_at AND earlier.id < users.id)));
CREATE UNIQUE INDEX users_by_username_key ON users (username_key);

-- Why a bootstrap link ended: 'used', 'replaced' (a newer link), 'admin_exists'. Older ended links stay NULL.
ALTER TABLE bootstrap_links ADD COLUMN end_reason TEXT;

-- Device enrollment links end 'revoked' when their user is suspended or a credential of theirs is revoked. A CHECK
-- cannot be changed in place on SQLite, so the table is rebuilt (no other table refers to it).
CREATE TABLE device_enrollments_v6 (
    id         TEXT PRIMARY KEY,
    token_hash ${bytes} NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    status     TEXT NOT NULL CHECK (status IN ('pending', 'used', 'expired', 'revoked')),
    device_id  TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at   BIGINT
);
INSERT INTO device_enrollments_v6 (id, token_hash, user_id, status, device_id, created_by, created_at, expires_at,
                                   ended_at)
SELECT id, token_hash, user_id, status, device_id, created_by, created_at, expires_at, ended_at
FROM device_enrollments;
DROP TABLE device_enrollments;
ALTER TABLE device_enrollments_v6 RENAME TO device_enrollments;
CREATE INDEX device_enrollments_by_user ON device_enrollments (user_id, status);
