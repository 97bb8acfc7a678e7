package io.gatehouse.wallet.cli;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.wallet.ProofGenerator;
import io.gatehouse.wallet.UserVerifier;
import io.gatehouse.wallet.Wallet;
import io.gatehouse.wallet.WalletException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse wallet show --wallet FILE --png OUT.png [--watch]}: writes the current proof as a
 * PNG QR code and draws it in the terminal; with {@code --watch}, again every rotation period until
 * interrupted.
 */
@Command(name = "show",
        description = {"Show the current access proof as a QR code, in a PNG file and in the terminal.",
                "With --watch, a new code follows every rotation period until interrupted (Ctrl-C)."},
        mixinStandardHelpOptions = true)
final class ShowCommand implements Callable<Integer> {

    /** The error-correction level of the code: 15 % recovery, version 6 (41 x 41) for a proof. */
    static final ErrorCorrection LEVEL = ErrorCorrection.M;

    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

    @ParentCommand
    WalletCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--wallet", required = true, paramLabel = "FILE", description = "The wallet file.")
    Path walletFile;

    @Option(names = "--png", required = true, paramLabel = "OUT.png", description = "Where to write the PNG image.")
    Path png;

    @Option(names = "--watch", description = "Show a new code every rotation period until interrupted.")
    boolean watch;

    @Option(names = "--scale", paramLabel = "PIXELS", defaultValue = "8",
            description = "PNG pixels per module, 1 to 64 (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--light-background",
            description = "Draw the dark modules, for a terminal with dark text on a light background.")
    boolean lightBackground;

    /** Stops --watch after this many codes; for tests. */
    @Option(names = "--frames", hidden = true, defaultValue = "0")
    int frames;

    @Override
    public Integer call() throws Exception {
        return WalletCommand.run(spec.commandLine(), this::show);
    }

    private int show() {
        if (scale < 1 || scale > QrCode.MAX_MODULE_SCALE) {
            throw new WalletException("invalid_option", "--scale: expected 1.." + QrCode.MAX_MODULE_SCALE + ", got " + scale);
        }
        Wallet wallet = parent.store(walletFile, spec.commandLine()).load();
        ProofGenerator generator = new ProofGenerator(wallet, UserVerifier.NONE, parent.clock(), parent.random());
        PrintWriter out = spec.commandLine().getOut();
        int shown = 0;
        while (true) {
            AccessProof proof = generator.current();
            QrCode code = QrCode.encode(proof.toText(), LEVEL);
            writeAtomically(code.toPng(scale));
            if (watch) {
                out.print(CLEAR_SCREEN);
            }
            out.print(TerminalQr.render(code, lightBackground));
            out.println("credential " + wallet.credentialId() + ", issued " + Instant.ofEpochSecond(proof.issuedAtEpochSecond())
                    + (watch ? ", next code in " + wallet.rotation().toSeconds() + " s" : "") + "; PNG: " + png);
            out.flush();
            shown++;
            if (!watch || (frames > 0 && shown >= frames)) {
                return 0;
            }
            try {
                sleepUntil(generator.nextRotationEpochSecond(), wallet);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
    }

    private void sleepUntil(long epochSecond, Wallet wallet) throws InterruptedException {
        long waitMillis = epochSecond * 1000 - parent.clock().millis();
        // Never longer than one period, whatever the clock did in between.
        Thread.sleep(Math.max(0, Math.min(waitMillis, wallet.rotation().toMillis())));
    }

    /** A viewer that reloads the file sees the old image or the new one, never half of one. */
    private void writeAtomically(byte[] image) {
        Path target = png.toAbsolutePath();
        try {
            Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            try {
                Files.write(temporary, image);
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new WalletException("png_unwritable", "cannot write the PNG to " + png + ": " + e, e);
        }
    }
}
