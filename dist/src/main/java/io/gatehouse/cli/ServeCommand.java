package io.gatehouse.cli;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.config.GatehouseConfig;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatehouse serve}: runs the server until it is stopped (SIGINT or SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the Gatehouse server.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    DataOptions dataOptions;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default 8080 or GATEHOUSE_PORT; 0 picks a free one).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1 or GATEHOUSE_BIND).")
    String bind;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> overrides = new HashMap<>();
        if (port != null) {
            overrides.put("port", port.toString());
        }
        if (bind != null) {
            overrides.put("bind", bind);
        }
        GatehouseConfig config = dataOptions.load(overrides);
        Gatehouse gatehouse = Gatehouse.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gatehouse.close();
            stopped.countDown();
        }, "gatehouse-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        if (gatehouse.newInstallation()) {
            out.println("Created a new Gatehouse installation in " + config.dataDirectory() + " (master key file "
                    + config.masterKeyFile() + ": back it up apart from the database)");
        }
        out.println("Gatehouse is running at " + gatehouse.baseUrl() + " (data in " + config.dataDirectory() + ")");
        gatehouse.bootstrapUrl().ifPresent(url -> {
            out.println("Create the first administrator with this one-time link (valid for one hour):");
            out.println("  " + url);
        });
        out.flush();
        stopped.await();
        return 0;
    }
}
