package io.gatehouse.cli;

import io.gatehouse.server.config.GatehouseConfig;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.util.function.Supplier;

/** Turns "cannot listen" into one line that names the address and port and the option that changes them. */
final class ListenFailure {
    private ListenFailure() {
    }

    /** Runs {@code start}; a failure to bind the listening socket becomes a {@link CommandFailure}. */
    static <T> T explained(GatehouseConfig config, Supplier<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BindException bind) {
                    throw new CommandFailure(explain(config, bind), e);
                }
                if (cause instanceof UnresolvedAddressException) {
                    throw new CommandFailure("cannot listen on " + config.bind() + ": no address is known for that"
                            + " name; choose another with --bind", e);
                }
            }
            throw e;
        }
    }

    // The operating system's reason is the only thing that tells these apart; Java gives them one exception type.
    private static String explain(GatehouseConfig config, BindException bind) {
        String where = "port " + config.port() + " on " + config.bind();
        String reason = bind.getMessage() == null ? "" : bind.getMessage();
        if (reason.contains("in use")) {
            return where + " is in use; choose another with --port";
        }
        if (reason.contains("assign requested address")) {
            return "cannot listen on " + config.bind() + ": it is not an address of this machine; choose another"
                    + " with --bind";
        }
        if (reason.contains("ermission denied")) {
            return where + " needs privileges (ports below 1024 do); choose a port from 1024 up with --port";
        }
        return "cannot listen on " + where + " (" + reason + ")";
    }
}
