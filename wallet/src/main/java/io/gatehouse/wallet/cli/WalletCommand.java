package io.gatehouse.wallet.cli;

import io.gatehouse.wallet.EnrollmentClient;
import io.gatehouse.wallet.WalletException;
import io.gatehouse.wallet.WalletStore;
import io.gatehouse.wallet.WalletVersion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse wallet}: the command-line wallet, a software "phone" that enrols with a server and
 * shows rotating access-proof QR codes. The main {@code gatehouse} command mounts it as a subcommand;
 * it also runs on its own ({@code new CommandLine(new WalletCommand()).execute(args)}).
 *
 * <p>Exit codes: 0 on success, 1 when the operation failed (the message, with its code, goes to
 * stderr), 2 for a usage error.
 */
@Command(name = "wallet",
        description = {"A software wallet: enrol like a phone, then show rotating access-proof QR codes.",
                "The wallet file is protected with GATEHOUSE_WALLET_PASSWORD."},
        mixinStandardHelpOptions = true,
        versionProvider = WalletCommand.Version.class,
        subcommands = {EnrollCommand.class, ProofCommand.class, ShowCommand.class})
public final class WalletCommand implements Callable<Integer> {

    /** The exit code of a failed operation. */
    public static final int EXIT_FAILURE = 1;

    private final Map<String, String> environment;
    private final Clock clock;
    private final SecureRandom random;
    private final EnrollmentClient enrollmentClient;

    @Spec
    CommandSpec spec;

    /**
     * Creates the command for real use: the process environment, the system clock, a new
     * {@link SecureRandom} and a default {@link EnrollmentClient}.
     */
    public WalletCommand() {
        this(System.getenv(), Clock.systemUTC(), new SecureRandom(), new EnrollmentClient());
    }

    /**
     * Creates the command with its inputs given, for tests and embedding.
     *
     * @param environment where {@value WalletStore#PASSWORD_VARIABLE} is looked up; not null
     * @param clock the time proofs are issued at; not null
     * @param random the source of keys and nonces; not null
     * @param enrollmentClient the client {@code enroll} uses; not null
     */
    public WalletCommand(Map<String, String> environment, Clock clock, SecureRandom random,
            EnrollmentClient enrollmentClient) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.enrollmentClient = Objects.requireNonNull(enrollmentClient, "enrollmentClient");
    }

    /** Without a subcommand, prints the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    // ---- Shared by the subcommands ----------------------------------------------------------------

    Clock clock() {
        return clock;
    }

    SecureRandom random() {
        return random;
    }

    EnrollmentClient enrollmentClient() {
        return enrollmentClient;
    }

    /** The store for a wallet file, with the password from the environment (warning on stderr if defaulted). */
    WalletStore store(Path file, CommandLine commandLine) {
        return WalletStore.fromEnvironment(file, environment, commandLine.getErr());
    }

    /** Runs an operation, turning a {@link WalletException} into a message on stderr and exit code 1. */
    static int run(CommandLine commandLine, Callable<Integer> operation) throws Exception {
        try {
            return operation.call();
        } catch (WalletException e) {
            PrintWriter err = commandLine.getErr();
            err.println("error: " + e.getMessage() + " [" + e.code() + (e.status() == 0 ? "" : ", HTTP " + e.status()) + "]");
            err.flush();
            return EXIT_FAILURE;
        }
    }

    /** Reports the module version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gatehouse wallet " + WalletVersion.get()};
        }
    }
}
