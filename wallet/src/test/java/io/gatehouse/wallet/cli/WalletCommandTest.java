package io.gatehouse.wallet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.qr.QrDecoder;
import io.gatehouse.wallet.EnrollmentClient;
import io.gatehouse.wallet.FakeEnrollmentServer;
import io.gatehouse.wallet.SteppingClock;
import io.gatehouse.wallet.TestWallets;
import io.gatehouse.wallet.Wallet;
import io.gatehouse.wallet.WalletStore;
import io.gatehouse.wallet.WalletVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WalletCommandTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final Map<String, String> ENVIRONMENT = Map.of(WalletStore.PASSWORD_VARIABLE, "test-password");

    @TempDir
    Path directory;

    private final FakeEnrollmentServer server = new FakeEnrollmentServer();

    WalletCommandTest() throws IOException {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Result(int exitCode, String out, String err) {

        String lastLine() {
            String[] lines = out.split("\n");
            return lines[lines.length - 1];
        }
    }

    private Result run(Map<String, String> environment, Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new WalletCommand(environment, clock, new SecureRandom(), new EnrollmentClient()));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(ENVIRONMENT, SteppingClock.fixed(START), args);
    }

    /** A wallet file made directly, without a server. */
    private Path savedWallet(Wallet wallet) {
        Path file = directory.resolve("wallet.p12");
        new WalletStore(file, ENVIRONMENT.get(WalletStore.PASSWORD_VARIABLE).toCharArray())
                .save(wallet, SteppingClock.fixed(START));
        return file;
    }

    private static AccessProof parse(String text) {
        return ((ParseResult.Parsed) AccessProofCodec.parse(text)).proof();
    }

    // ---- enroll -----------------------------------------------------------------------------------

    @Test
    void enroll_creates_an_owner_only_wallet_and_prints_credential_and_trust() throws Exception {
        Path file = directory.resolve("wallet.p12");

        Result result = run("enroll", "--wallet", file.toString(), server.newLink().toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        CredentialId id = server.enrolled.keySet().iterator().next();
        assertThat(result.out()).contains("credential id: " + id + "\n", "trust: software\n", "server: " + server.baseUrl());
        assertThat(result.err()).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Wallet wallet = new WalletStore(file, "test-password".toCharArray()).load();
        assertThat(wallet.publicKey()).isEqualTo(server.enrolled.get(id));
        assertThat(wallet.serverBaseUrl()).isEqualTo(server.baseUrl());
        assertThat(wallet.device().model()).isEqualTo("gatehouse-wallet-cli");
        assertThat(wallet.device().os()).isEqualTo(System.getProperty("os.name") + " " + System.getProperty("os.version"));
        assertThat(wallet.device().appVersion()).isEqualTo(WalletVersion.get()).doesNotContain("${");
    }

    @Test
    void enroll_refuses_to_overwrite_a_wallet_before_spending_the_link() {
        Path file = savedWallet(TestWallets.newWallet(Wallet.DEFAULT_ROTATION));

        Result result = run("enroll", "--wallet", file.toString(), server.newLink().toString());

        assertThat(result.exitCode()).isEqualTo(WalletCommand.EXIT_FAILURE);
        assertThat(result.err()).contains("already exists", "[wallet_exists]");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void enroll_with_a_used_link_reports_the_servers_code_and_status() {
        var link = server.newLink().toString();
        run("enroll", "--wallet", directory.resolve("first.p12").toString(), link);

        Result result = run("enroll", "--wallet", directory.resolve("second.p12").toString(), link);

        assertThat(result.exitCode()).isEqualTo(WalletCommand.EXIT_FAILURE);
        assertThat(result.err()).startsWith("error: enrollment refused: HTTP 410").contains("[enrollment_link_used, HTTP 410]");
        assertThat(directory.resolve("second.p12")).doesNotExist();
    }

    @Test
    void without_the_password_variable_the_warning_goes_to_stderr_only() {
        Path file = directory.resolve("wallet.p12");

        Result result = run(Map.of(), SteppingClock.fixed(START), "enroll", "--wallet", file.toString(), server.newLink().toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).startsWith("warning: GATEHOUSE_WALLET_PASSWORD is not set");
        assertThat(result.out()).doesNotContain("warning");
    }

    // ---- proof ------------------------------------------------------------------------------------

    @Test
    void proof_prints_a_verifiable_proof_as_the_last_line() {
        Wallet wallet = TestWallets.newWallet(Wallet.DEFAULT_ROTATION);
        Path file = savedWallet(wallet);

        Result result = run("proof", "--wallet", file.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).endsWith(result.lastLine() + "\n");
        assertThat(result.lastLine()).hasSize(AccessProof.TEXT_LENGTH);
        assertThat(new AccessVerifier().decide(result.lastLine(),
                TestWallets.contextFor(wallet, START.getEpochSecond(), false)).granted()).isTrue();
    }

    @Test
    void proof_after_a_full_enrollment_verifies_with_the_key_the_server_received() {
        Path file = directory.resolve("wallet.p12");
        run("enroll", "--wallet", file.toString(), server.newLink().toString());
        Wallet wallet = new WalletStore(file, "test-password".toCharArray()).load();

        Result result = run("proof", "--wallet", file.toString());

        AccessProof proof = parse(result.lastLine());
        assertThat(server.enrolled).containsKey(proof.credentialId());
        assertThat(new AccessVerifier().decide(result.lastLine(),
                TestWallets.contextFor(wallet, START.getEpochSecond(), false)).granted()).isTrue();
    }

    @Test
    void proof_without_a_wallet_fails_with_a_message() {
        Result result = run("proof", "--wallet", directory.resolve("missing.p12").toString());

        assertThat(result.exitCode()).isEqualTo(WalletCommand.EXIT_FAILURE);
        assertThat(result.err()).contains("does not exist", "[wallet_not_found]");
        assertThat(result.out()).isEmpty();
    }

    // ---- show -------------------------------------------------------------------------------------

    @Test
    void show_writes_a_png_that_decodes_to_a_valid_proof_and_draws_the_same_code() throws Exception {
        Wallet wallet = TestWallets.newWallet(Wallet.DEFAULT_ROTATION);
        Path file = savedWallet(wallet);
        Path png = directory.resolve("proof.png");

        Result result = run("show", "--wallet", file.toString(), "--png", png.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        String decoded = QrDecoder.decode(Files.readAllBytes(png));
        assertThat(new AccessVerifier().decide(decoded, TestWallets.contextFor(wallet, START.getEpochSecond(), false))
                .granted()).isTrue();
        QrCode code = QrCode.encode(decoded, ErrorCorrection.M);
        assertThat(result.out()).startsWith(TerminalQr.render(code, false));
        assertThat(result.lastLine()).startsWith("credential " + wallet.credentialId());
    }

    /** The symbol a proof needs: 143 alphanumeric characters at error correction M. */
    @Test
    void a_proof_needs_qr_version_6_at_error_correction_m() {
        String text = parse(run("proof", "--wallet", savedWallet(TestWallets.newWallet(Wallet.DEFAULT_ROTATION)).toString())
                .lastLine()).toText();

        QrCode code = QrCode.encode(text, ErrorCorrection.M);

        assertThat(code.version()).isEqualTo(6);
        assertThat(code.size()).isEqualTo(41);
        assertThat(QrCode.encode(text, ErrorCorrection.L).version()).isEqualTo(5);
        assertThat(QrCode.encode(text, ErrorCorrection.Q).version()).isEqualTo(8);
        assertThat(QrCode.encode(text, ErrorCorrection.H).version()).isEqualTo(9);
    }

    @Test
    void show_watch_renders_a_new_code_every_rotation() throws Exception {
        Path file = savedWallet(TestWallets.newWallet(Duration.ofSeconds(10)));
        Path png = directory.resolve("proof.png");
        // Every read of this clock moves it one rotation on, so the loop never waits.
        Clock clock = new SteppingClock(START, Duration.ofSeconds(10));

        Result result = run(ENVIRONMENT, clock, "show", "--wallet", file.toString(), "--png", png.toString(),
                "--watch", "--frames", "3");

        assertThat(result.exitCode()).as(result.err()).isZero();
        String[] frames = result.out().split("\u001b\\[H\u001b\\[2J", -1);
        assertThat(frames).hasSize(4); // nothing before the first clear, then three frames
        Set<String> drawings = new HashSet<>();
        for (int i = 1; i < frames.length; i++) {
            drawings.add(frames[i]);
            assertThat(frames[i]).contains("next code in 10 s");
        }
        assertThat(drawings).hasSize(3);
        assertThat(AccessProofCodec.parse(QrDecoder.decode(Files.readAllBytes(png)))).isInstanceOf(ParseResult.Parsed.class);
        try (var files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("wallet.p12", "proof.png");
        }
    }

    @Test
    void zbarimg_reads_the_wallet_png_as_exactly_the_proof_text() throws Exception {
        Assumptions.assumeTrue(zbarimgAvailable(),
                "zbarimg is not installed (apt-get install zbar-tools); skipping the independent decoder check");
        Path file = savedWallet(TestWallets.newWallet(Wallet.DEFAULT_ROTATION));
        Path png = directory.resolve("proof.png");
        run("show", "--wallet", file.toString(), "--png", png.toString());
        String expected = QrDecoder.decode(Files.readAllBytes(png));

        Process zbarimg = new ProcessBuilder("zbarimg", "--raw", "-q", "--nodbus", png.toString())
                .redirectErrorStream(false).start();
        byte[] output = zbarimg.getInputStream().readAllBytes();
        assertThat(zbarimg.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(zbarimg.exitValue()).isZero();
        // zbarimg ends its output with one newline; the proof text itself may end in a space.
        assertThat(new String(output, StandardCharsets.US_ASCII)).isEqualTo(expected + "\n");
        assertThat(expected).hasSize(AccessProof.TEXT_LENGTH);
    }

    private static boolean zbarimgAvailable() {
        try {
            Process probe = new ProcessBuilder("zbarimg", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void help_lists_the_three_subcommands() {
        Result result = run("--help");

        List<String> names = new ArrayList<>(new CommandLine(new WalletCommand()).getSubcommands().keySet());
        assertThat(names).containsExactlyInAnyOrder("enroll", "proof", "show");
        assertThat(result.out()).contains("enroll", "proof", "show");
    }
}
