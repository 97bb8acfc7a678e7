-- What kind of credential a device is: a key the device signs proofs with itself (the command-line wallet, a phone
-- app), or a passkey whose door codes the server mints after checking its WebAuthn assertion. Doors check a proof's
-- type against it, so it is a column of its own rather than something read off other tables.
ALTER TABLE devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'device_key' CHECK (kind IN ('device_key', 'passkey'));

UPDATE devices SET kind = 'passkey' WHERE id IN (SELECT device_id FROM passkeys);
