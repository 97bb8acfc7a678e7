package io.gatehouse.cli;

import io.gatehouse.reader.cli.ReaderCommand;
import io.gatehouse.wallet.cli.WalletCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gatehouse} command: one entry point for operators. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Self-hosted access control with dynamic QR codes and TOTP for privileged accounts.",
        subcommands = {ServeCommand.class, AdminCommand.class, AuditCommand.class, WalletCommand.class,
                ReaderCommand.class,
                CommandLine.HelpCommand.class})
public final class GatehouseCommand {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; configuration errors are printed without a stack trace. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new GatehouseCommand());
        // UTF-8 whatever the locale: the wallet draws QR codes with Unicode half blocks.
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("gatehouse: " + e.getMessage());
            return 2;
        });
        return commandLine.execute(args);
    }
}
