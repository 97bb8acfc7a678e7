-- The passkey ceremonies a login request's options started: the phone's answer is taken only for the request whose
-- options created its ceremony, so that an assertion made for one request cannot approve another. They go with
-- their request (pruning, erasure).
CREATE TABLE login_request_ceremonies (
    ceremony_id  TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES login_requests (id) ON DELETE CASCADE
);
CREATE INDEX login_request_ceremonies_by_request ON login_request_ceremonies (request_id);

-- The network that asked (an IPv4 address, an IPv6 /64): creating requests needs no credential, so creations are
-- counted per source over the last minute. Rows from before this migration have none and count for nobody.
ALTER TABLE login_requests ADD COLUMN source TEXT;
CREATE INDEX login_requests_by_source ON login_requests (source, created_at);
