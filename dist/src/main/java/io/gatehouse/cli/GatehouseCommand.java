package io.gatehouse.cli;

import io.gatehouse.reader.cli.ReaderCommand;
import io.gatehouse.wallet.cli.WalletCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code gatehouse} command: one entry point for operators.
 *
 * <p>Exit codes: 0 success; 1 a check found a problem ({@code audit verify}) or a wallet or reader operation failed;
 * 2 invalid input, invalid configuration, or the command could not run (port in use, database unreachable, ...).
 */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Self-hosted access control with dynamic QR codes and TOTP for privileged accounts.",
        subcommands = {ServeCommand.class, AdminCommand.class, AuditCommand.class, WalletCommand.class,
                ReaderCommand.class,
                CommandLine.HelpCommand.class})
public final class GatehouseCommand implements Callable<Integer> {

    // Read from the parse result by Failures, whichever subcommand it was given to; the field only holds it.
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "When the command fails, also print the stack trace.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Without a subcommand, prints the usage: the list of commands is what a new user needs. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), args));
    }

    /** Runs the command line and returns the exit code; every expected failure is one line on standard error. */
    static int run(Map<String, String> environment, String... args) {
        // UTF-8 whatever the locale: the wallet draws QR codes with Unicode half blocks.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        try {
            LogSettings.from(environment, LogSettings.terminal()).apply();
        } catch (CommandFailure e) {
            err.println("gatehouse: " + e.getMessage());
            return Failures.EXIT_ERROR;
        }
        return commandLine(out, err).execute(args);
    }

    /** The whole command tree with its failure handling; help is as wide as the terminal, 80 columns without one. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new GatehouseCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setUsageHelpAutoWidth(true);
        versionEverywhere(commandLine);
        commandLine.setParameterExceptionHandler((e, arguments) -> Failures.parameter(e));
        commandLine.setExecutionExceptionHandler((e, command, parsed) -> Failures.execution(e, command,
                commandLine.getParseResult()));
        return commandLine;
    }

    /** {@code --version} on a subcommand prints the same as on {@code gatehouse}, not an empty line. */
    private static void versionEverywhere(CommandLine commandLine) {
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null && sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new Version());
            }
            versionEverywhere(sub);
        }
    }
}
