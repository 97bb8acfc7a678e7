package io.gatehouse.server.device;

import io.gatehouse.protocol.access.CredentialKind;
import io.gatehouse.server.common.GatehouseException;

/** How a device proves itself at a door: with its own key, or through a passkey the server mints codes for. */
public enum DeviceKind {
    /** Signs its own proofs (type 1) with a P-256 key it generated; the server keeps the public half. */
    DEVICE_KEY("device_key"),
    /** A WebAuthn passkey: the server checks its assertion and mints the proof (type 2). */
    PASSKEY("passkey");

    private final String code;

    DeviceKind(String code) {
        this.code = code;
    }

    /** The protocol's kind of this device's credential, which fixes the one proof type it presents. */
    public CredentialKind credentialKind() {
        return this == PASSKEY ? CredentialKind.PASSKEY : CredentialKind.DEVICE_KEY;
    }

    public String code() {
        return code;
    }

    static DeviceKind parse(String stored) {
        for (DeviceKind kind : values()) {
            if (kind.code.equals(stored)) {
                return kind;
            }
        }
        throw GatehouseException.corrupt("device kind '" + stored + "'", null);
    }
}
