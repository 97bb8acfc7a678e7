-- People: API tokens that expire, the last use of each device, and a username index that serves prefix search.

-- When a token stops working; NULL for a token that never expires. An expired token is refused like a revoked one.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;

-- The last time a door decided a proof of the device (granted or denied) or the web wallet minted a code for it,
-- to the minute: the write that records it changes the row at most once a minute.
ALTER TABLE devices ADD COLUMN last_used_at BIGINT;

-- The people list's search is a prefix of the case-folded name. SQLite compares text bytewise, so the unique index
-- on username_key already serves it as a range; PostgreSQL's LIKE 'prefix%' needs an index in pattern order when
-- the database's collation is not C.
CREATE INDEX users_by_username_prefix ON users (username_key ${text_prefix_ops});
