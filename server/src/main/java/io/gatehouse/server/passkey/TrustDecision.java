package io.gatehouse.server.passkey;

import io.gatehouse.protocol.access.DeviceTrust;

/** A trust level and the one reason it was given, recorded with the device and in the audit log. */
public record TrustDecision(DeviceTrust level, String reason) {
}
