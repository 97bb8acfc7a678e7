package io.gatehouse.server.crypto;

import io.gatehouse.server.common.GatehouseException;

/** Key material is missing, unreadable or does not match the data it should protect. */
public final class CryptoException extends GatehouseException {
    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
