package io.gatehouse.wallet.cli;

import io.gatehouse.wallet.ProofGenerator;
import io.gatehouse.wallet.UserVerifier;
import io.gatehouse.wallet.Wallet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse wallet proof --wallet FILE}: prints a fresh access proof's QR text as the last line
 * of stdout (and nothing after it), for scripts and for piping into a reader's stdin.
 */
@Command(name = "proof",
        description = {"Print a fresh access proof as the last line of standard output.",
                "The line is the exact text of the QR code (Base45), for scripts and for a reader's standard"
                        + " input."},
        mixinStandardHelpOptions = true)
final class ProofCommand implements Callable<Integer> {

    @ParentCommand
    WalletCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--wallet", required = true, paramLabel = "FILE", description = "The wallet file.")
    Path walletFile;

    @Override
    public Integer call() throws Exception {
        return WalletCommand.run(spec.commandLine(), () -> {
            Wallet wallet = parent.store(walletFile, spec.commandLine()).load();
            ProofGenerator generator = new ProofGenerator(wallet, UserVerifier.NONE, parent.clock(), parent.random());
            PrintWriter out = spec.commandLine().getOut();
            out.println(generator.next().toText());
            out.flush();
            return 0;
        });
    }
}
