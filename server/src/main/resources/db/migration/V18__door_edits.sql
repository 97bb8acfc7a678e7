-- Editing doors and reader status. A door's revision goes up with every change to what decides at it (its settings,
-- its zone, its zone's rules, its site's time zone); a reader records the revision, time and pending event count of
-- the bundle it fetched last, so that a bundle older than the door's configuration shows as stale. last_seen_at is
-- the reader's last authenticated call the server wrote down (bundle fetches at once, scans and uploads at most once
-- a minute).
ALTER TABLE doors ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE readers ADD COLUMN last_seen_at BIGINT;
ALTER TABLE readers ADD COLUMN bundle_fetched_at BIGINT;
ALTER TABLE readers ADD COLUMN bundle_revision BIGINT;
ALTER TABLE readers ADD COLUMN pending_events BIGINT;

-- The filters of the lists and the "still in use" checks of deletions.
CREATE INDEX zones_by_site ON zones (site_id);
CREATE INDEX doors_by_zone ON doors (zone_id);
CREATE INDEX readers_by_door ON readers (door_id);
CREATE INDEX access_rules_by_user ON access_rules (user_id);
