-- Indexes for the audit queries of the console: filters by action and by subject (a door is the subject
-- "door:<id>" of its scans) page newest first by id; a time range alone starts from created_at. The last index
-- covers the aggregates of decisions (per hour, per reason, per door, TOTP failures): they read only its entries,
-- never the rows, so counting a month of scans stays a range scan of one index.
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
CREATE INDEX audit_log_by_time ON audit_log (created_at);
CREATE INDEX audit_log_outcomes ON audit_log (action, created_at, result, reason, subject);
