package io.gatehouse.server.passkey;

/** A trust level and the one reason it was given, recorded with the device and in the audit log. */
public record TrustDecision(TrustLevel level, String reason) {
}
