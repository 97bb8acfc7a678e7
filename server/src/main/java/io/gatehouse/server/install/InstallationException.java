package io.gatehouse.server.install;

import io.gatehouse.server.common.GatehouseException;

/** The data directory, the key file or the database is not in a state Gatehouse may start on; the message says why. */
public final class InstallationException extends GatehouseException {
    public InstallationException(String message) {
        super(message);
    }

    public InstallationException(String message, Throwable cause) {
        super(message, cause);
    }
}
