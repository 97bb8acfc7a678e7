-- A door may require user verification from a person while an unresolved alert about them is recent.
ALTER TABLE doors ADD COLUMN require_uv_when_flagged BOOLEAN NOT NULL DEFAULT FALSE;
-- The per-reader denied-scan baseline counts a reader's scans by their writer (the actor "reader:<id>").
CREATE INDEX audit_log_by_actor ON audit_log (actor, action, created_at);
