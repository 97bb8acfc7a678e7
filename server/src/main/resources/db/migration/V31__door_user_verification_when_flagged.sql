-- A door may require user verification from a person while an unresolved alert about them is recent.
ALTER TABLE doors ADD COLUMN require_uv_when_flagged BOOLEAN NOT NULL DEFAULT FALSE;
