package io.gatehouse.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalletStoreTest {

    private static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path directory;

    private final SteppingClock clock = SteppingClock.fixed(Instant.parse("2026-03-01T12:00:00Z"));

    @Test
    void a_saved_wallet_loads_with_every_field() throws Exception {
        Wallet wallet = TestWallets.newWallet(Duration.ofSeconds(7));
        WalletStore store = new WalletStore(directory.resolve("wallet.p12"), PASSWORD);

        store.save(wallet, clock);
        Wallet loaded = store.load();

        assertThat(loaded.credentialId()).isEqualTo(wallet.credentialId());
        assertThat(loaded.deviceId()).isEqualTo(wallet.deviceId());
        assertThat(loaded.trust()).isEqualTo(wallet.trust());
        assertThat(loaded.serverBaseUrl()).isEqualTo(wallet.serverBaseUrl());
        assertThat(loaded.device()).isEqualTo(wallet.device());
        assertThat(loaded.rotation()).isEqualTo(Duration.ofSeconds(7));
        assertThat(loaded.publicKey()).isEqualTo(wallet.publicKey());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(wallet.privateKey().getEncoded());
    }

    @Test
    void the_loaded_key_signs_what_the_original_public_key_verifies() throws Exception {
        Wallet wallet = TestWallets.newWallet(Wallet.DEFAULT_ROTATION);
        WalletStore store = new WalletStore(directory.resolve("wallet.p12"), PASSWORD);
        store.save(wallet, clock);

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(store.load().privateKey());
        signer.update(new byte[] {1, 2, 3});
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(wallet.publicKey());
        verifier.update(new byte[] {1, 2, 3});

        assertThat(verifier.verify(signer.sign())).isTrue();
    }

    @Test
    void the_file_is_owner_only_and_no_temporary_file_remains() throws Exception {
        Path file = directory.resolve("wallet.p12");
        new WalletStore(file, PASSWORD).save(TestWallets.newWallet(Wallet.DEFAULT_ROTATION), clock);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void saving_again_replaces_the_file_and_keeps_the_permissions() throws Exception {
        Path file = directory.resolve("wallet.p12");
        WalletStore store = new WalletStore(file, PASSWORD);
        store.save(TestWallets.newWallet(Wallet.DEFAULT_ROTATION), clock);
        Wallet second = TestWallets.newWallet(Wallet.DEFAULT_ROTATION);

        store.save(second, clock);

        assertThat(store.load().credentialId()).isEqualTo(second.credentialId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void the_file_is_a_standard_pkcs12_keystore_with_a_self_signed_certificate() throws Exception {
        Path file = directory.resolve("wallet.p12");
        Wallet wallet = TestWallets.newWallet(Wallet.DEFAULT_ROTATION);
        new WalletStore(file, PASSWORD).save(wallet, clock);

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(new ByteArrayInputStream(Files.readAllBytes(file)), PASSWORD);
        X509Certificate certificate = (X509Certificate) keyStore.getCertificate(WalletStore.KEY_ALIAS);

        assertThat(keyStore.aliases().asIterator()).toIterable().containsExactly(WalletStore.KEY_ALIAS);
        certificate.verify(wallet.publicKey());
        assertThat(certificate.getSubjectX500Principal().getName())
                .isEqualTo("CN=Gatehouse wallet credential " + wallet.credentialId());
        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
    }

    @Test
    void a_wrong_password_is_named() throws Exception {
        Path file = directory.resolve("wallet.p12");
        new WalletStore(file, PASSWORD).save(TestWallets.newWallet(Wallet.DEFAULT_ROTATION), clock);

        assertThatThrownBy(() -> new WalletStore(file, "wrong".toCharArray()).load())
                .isInstanceOfSatisfying(WalletException.class, e -> assertThat(e.code()).isEqualTo("wallet_password"))
                .hasMessageContaining("wrong password");
    }

    @Test
    void a_missing_file_is_named() {
        assertThatThrownBy(() -> new WalletStore(directory.resolve("none.p12"), PASSWORD).load())
                .isInstanceOfSatisfying(WalletException.class, e -> assertThat(e.code()).isEqualTo("wallet_not_found"))
                .hasMessageContaining("none.p12 does not exist");
    }

    @Test
    void a_file_readable_by_others_is_refused() throws Exception {
        Path file = directory.resolve("wallet.p12");
        new WalletStore(file, PASSWORD).save(TestWallets.newWallet(Wallet.DEFAULT_ROTATION), clock);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> new WalletStore(file, PASSWORD).load())
                .isInstanceOfSatisfying(WalletException.class, e -> assertThat(e.code()).isEqualTo("wallet_permissions"))
                .hasMessageContaining("has permissions rw-r--r--, expected rw------- (600) or stricter");
    }

    @Test
    void a_file_that_is_not_a_keystore_is_named() throws Exception {
        Path file = directory.resolve("wallet.p12");
        Files.writeString(file, "not a keystore");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> new WalletStore(file, PASSWORD).load())
                .isInstanceOfSatisfying(WalletException.class, e -> assertThat(e.code()).isEqualTo("wallet_unreadable"));
    }

    @Test
    void the_password_comes_from_the_environment_silently() {
        StringWriter warnings = new StringWriter();
        Path file = directory.resolve("wallet.p12");
        WalletStore.fromEnvironment(file, Map.of(WalletStore.PASSWORD_VARIABLE, "from-env"), new PrintWriter(warnings))
                .save(TestWallets.newWallet(Wallet.DEFAULT_ROTATION), clock);

        assertThat(warnings.toString()).isEmpty();
        assertThat(new WalletStore(file, "from-env".toCharArray()).load()).isNotNull();
    }

    @Test
    void without_the_variable_the_documented_default_is_used_with_a_warning() {
        StringWriter warnings = new StringWriter();
        Path file = directory.resolve("wallet.p12");
        WalletStore.fromEnvironment(file, Map.of(), new PrintWriter(warnings))
                .save(TestWallets.newWallet(Wallet.DEFAULT_ROTATION), clock);

        assertThat(warnings.toString())
                .startsWith("warning: GATEHOUSE_WALLET_PASSWORD is not set")
                .contains("\"gatehouse-wallet\"", "protected only by the file's owner-only permissions (600)");
        assertThat(new WalletStore(file, WalletStore.DEFAULT_PASSWORD.toCharArray()).load()).isNotNull();
    }
}
