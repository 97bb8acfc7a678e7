-- A role's policy may answer a correct code with step_up_required while an alert about the person is recent.
ALTER TABLE role_policies ADD COLUMN step_up_when_flagged BOOLEAN NOT NULL DEFAULT FALSE;
-- The verification's question "is there a recent unresolved alert about this person?" by subject and time.
CREATE INDEX alerts_by_subject ON alerts (subject, created_at);
