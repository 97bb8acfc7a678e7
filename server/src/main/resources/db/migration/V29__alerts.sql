-- Alerts raised by the anomaly rules, read from the sealed audit log in chain order. An alert names its evidence
-- (audit record ids) and a subject (user:<id>, door:<id>, reader:<id>), never a name or an address beyond the
-- truncated network a rule needs. dedupe_key makes raising idempotent: a rule that sees the same burst again, on
-- this node or another, finds the alert there.
CREATE TABLE alerts (
    id               TEXT PRIMARY KEY,
    rule             TEXT NOT NULL,
    severity         TEXT NOT NULL,
    subject          TEXT NOT NULL,
    dedupe_key       TEXT NOT NULL UNIQUE,
    summary          TEXT NOT NULL,
    evidence         TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    state            TEXT NOT NULL,
    acknowledged_by  TEXT,
    acknowledged_at  BIGINT,
    resolved_by      TEXT,
    resolved_at      BIGINT,
    resolution_note  TEXT
);
CREATE INDEX alerts_by_time ON alerts (created_at, id);
CREATE INDEX alerts_by_state ON alerts (state, created_at);

-- How far the rules have read the audit chain: one row, moved in the transaction that raises what it read.
CREATE TABLE alert_cursor (
    id        INTEGER PRIMARY KEY,
    position  BIGINT NOT NULL
);
INSERT INTO alert_cursor (id, position) VALUES (1, 0);

-- Operators' settings of a rule; a rule without a row runs with its documented defaults.
CREATE TABLE alert_rules (
    rule            TEXT PRIMARY KEY,
    enabled         INTEGER NOT NULL,
    severity        TEXT NOT NULL,
    threshold       INTEGER NOT NULL,
    window_seconds  INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- Webhook endpoints. The secret signs each delivery (HMAC-SHA256), so it is kept encrypted, not hashed.
CREATE TABLE webhooks (
    id             TEXT PRIMARY KEY,
    url            TEXT NOT NULL,
    secret_sealed  ${bytes} NOT NULL,
    events         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- One delivery of one event to one webhook: written with the alert, sent after commit, retried with backoff,
-- and kept as dead-lettered when it never succeeded.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    body             TEXT NOT NULL,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    last_status      INTEGER,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
