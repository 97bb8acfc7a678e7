package io.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gatehouse} command: one entry point for operators. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Self-hosted access control with dynamic QR codes and TOTP for privileged accounts.",
        subcommands = {ServeCommand.class, AdminCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class GatehouseCommand {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; configuration errors are printed without a stack trace. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new GatehouseCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("gatehouse: " + e.getMessage());
            return 2;
        });
        return commandLine.execute(args);
    }
}
