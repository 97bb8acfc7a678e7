package io.gatehouse.reader.cli;

import picocli.CommandLine;

/** Runs {@code gatehouse reader} on its own: {@code java -cp … io.gatehouse.reader.cli.ReaderMain run --state DIR}. */
public final class ReaderMain {

    private ReaderMain() {
    }

    /**
     * Runs the command and exits with its exit code.
     *
     * @param args the command line; not null
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ReaderCommand()).execute(args));
    }
}
