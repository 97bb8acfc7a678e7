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
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the Gatehouse server; it runs until stopped with Ctrl-C or SIGTERM.",
                "Logs go to standard output: text lines at a terminal, JSON lines otherwise. GATEHOUSE_LOG_FORMAT"
                        + " (json or text) and GATEHOUSE_ACCESS_LOG (true or false) choose; see"
                        + " docs/operations.md."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    DataOptions dataOptions;

    @Option(names = "--port", paramLabel = "PORT",
            description = "The TCP port; 0 picks a free one (default: GATEHOUSE_PORT, else port in the configuration"
                    + " file, else 8080).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "The address to listen on (default: GATEHOUSE_BIND, else bind in the configuration file,"
                    + " else 127.0.0.1).")
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
        Gatehouse gatehouse = ListenFailure.explained(config, () -> Gatehouse.start(config));
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gatehouse.close();
            out.println("Gatehouse stopped: no longer listening on " + gatehouse.baseUrl() + ", audit chain sealed,"
                    + " database closed.");
            stopped.countDown();
        }, "gatehouse-shutdown"));
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
