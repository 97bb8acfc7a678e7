package io.gatehouse.cli;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.Redaction;
import java.io.PrintWriter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The one place where a failed command becomes what the user sees: one line on standard error, with secrets masked,
 * and an exit code. Stack traces only with {@code --verbose}.
 */
final class Failures {
    /** The exit code of a command that did not succeed: invalid input, invalid configuration, or could not run. */
    static final int EXIT_ERROR = 2;

    private Failures() {
    }

    /** A failure while the command ran. */
    static int execution(Exception e, CommandLine command, ParseResult root) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().root().name() + ": " + Redaction.inText(message(e)));
        if (verbose(root)) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_ERROR;
    }

    /** Invalid input on the command line: what was wrong, and where to read how it goes. */
    static int parameter(ParameterException e) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + Redaction.inText(e.getMessage()) + " (see '" + name + " --help')");
        UnmatchedArgumentException.printSuggestions(e, err);
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String message(Exception e) {
        if (e instanceof ConfigException config && config.problems().size() == 1) {
            return "invalid configuration: " + config.problems().getFirst();
        }
        if (e instanceof CommandFailure || e instanceof GatehouseException) {
            return e.getMessage();
        }
        // Not one of ours: its text may be all there is to go on, but it is no explanation.
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return text + " (run again with --verbose to see where it failed)";
    }

    private static boolean verbose(ParseResult root) {
        for (ParseResult result = root; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
