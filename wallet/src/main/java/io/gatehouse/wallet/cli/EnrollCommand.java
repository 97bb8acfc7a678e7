package io.gatehouse.wallet.cli;

import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.Wallet;
import io.gatehouse.wallet.WalletException;
import io.gatehouse.wallet.WalletStore;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gatehouse wallet enroll --wallet FILE URL}. */
@Command(name = "enroll",
        description = {"Enrol this machine as a device through a device enrollment link.",
                "Makes a P-256 key, sends its public half to the single-use link, and saves the key and the"
                        + " credential in a PKCS#12 wallet file."},
        mixinStandardHelpOptions = true)
final class EnrollCommand implements Callable<Integer> {

    @ParentCommand
    WalletCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--wallet", required = true, paramLabel = "FILE", description = "The wallet file to create.")
    Path walletFile;

    @Option(names = "--rotation", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long each QR code is shown before a new one replaces it (default: ${DEFAULT-VALUE}).")
    int rotationSeconds;

    @Option(names = "--force", description = "Replace an existing wallet file (its credential is then lost).")
    boolean force;

    @Parameters(paramLabel = "URL", description = "The device enrollment link from the server.")
    URI enrollmentUrl;

    @Override
    public Integer call() throws Exception {
        return WalletCommand.run(spec.commandLine(), this::enroll);
    }

    private int enroll() {
        if (rotationSeconds < 1) {
            throw new WalletException("invalid_option", "--rotation: expected 1 or more seconds, got " + rotationSeconds);
        }
        WalletStore store = parent.store(walletFile, spec.commandLine());
        // Checked before the link is spent: the link works once.
        if (store.exists() && !force) {
            throw new WalletException("wallet_exists", "wallet file " + walletFile
                    + " already exists; choose another file, or pass --force to replace it");
        }
        KeyPair keyPair = PublicKeys.generateP256(parent.random());
        DeviceFacts device = DeviceFacts.cli();
        Enrollment enrollment;
        try {
            enrollment = parent.enrollmentClient().enroll(enrollmentUrl, keyPair.getPublic(), device);
        } catch (IllegalArgumentException e) {
            throw new WalletException("invalid_option", e.getMessage(), e);
        }
        Wallet wallet = new Wallet(enrollment.credentialId(), enrollment.deviceId(), enrollment.trust(), keyPair,
                enrollment.serverBaseUrl(), device, Duration.ofSeconds(rotationSeconds));
        store.save(wallet, parent.clock());

        PrintWriter out = spec.commandLine().getOut();
        out.println("credential id: " + wallet.credentialId());
        out.println("device id: " + wallet.deviceId());
        out.println("trust: " + wallet.trust().code());
        out.println("server: " + wallet.serverBaseUrl());
        out.println("wallet: " + walletFile);
        out.flush();
        return 0;
    }
}
