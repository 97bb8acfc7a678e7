package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base32;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.server.Core;
import io.gatehouse.server.Services;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.totp.TotpEnrollments;
import io.gatehouse.server.totp.TotpVerifier;
import io.gatehouse.server.user.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse admin keys rotate} as a separate process: a new active key in the key file, every sealed secret
 * re-encrypted under it in one audited transaction, and the secrets still readable afterwards.
 */
class MasterKeyRotationIT {
    static final ClientInfo CLIENT = ClientInfo.local("test");
    static final Principal ADMIN = Principal.token("test", "test", Set.of(Scope.ADMIN));

    @TempDir
    Path root;

    @Test
    void rotation_re_encrypts_every_sealed_secret_under_a_new_key_that_still_opens_them() throws Exception {
        GatehouseConfig config = ConfigLoader.load(Map.of(), Map.of("data", root.resolve("data").toString()));
        Totp totp;
        List<byte[]> before;
        try (Services services = Services.open(config, Clock.systemUTC())) {
            services.reader().bundleKeys().ensureActive();
            services.reader().mintingKeys().ensureActive();
            totp = enroll(services, "alice");
            before = sealed(services.core());
        }
        assertThat(before).as("one TOTP seed, one bundle-signing key and one minting key").hasSize(3);

        CommandLineIT.Run rotate = CommandLineIT.run("admin", "keys", "rotate", "--data", config.dataDirectory()
                .toString());

        assertThat(rotate.exit()).as(rotate.stdout() + rotate.stderr()).isEqualTo(0);
        assertThat(rotate.lastLine()).isEqualTo("New active master key mk2; re-encrypted 3 secret(s). Restart"
                + " running servers to use the new key.");
        assertThat(Files.readAllLines(config.masterKeyFile()).stream().filter(line -> line.startsWith("mk")))
                .as("the old key stays, the new one is last").extracting(line -> line.split(" ")[0])
                .containsExactly("mk1", "mk2");
        CommandLineIT.Run verify = CommandLineIT.run("audit", "verify", "--data", config.dataDirectory().toString());
        assertThat(verify.exit()).as(verify.stdout()).isEqualTo(0);

        // A minute on, so that the code is not the one the enrollment already used.
        try (Services services = Services.openExisting(config, Clock.offset(Clock.systemUTC(),
                Duration.ofMinutes(1)))) {
            List<byte[]> after = sealed(services.core());
            assertThat(after).hasSize(3);
            for (int i = 0; i < after.size(); i++) {
                assertThat(Arrays.equals(after.get(i), before.get(i))).as("secret %d re-encrypted", i).isFalse();
            }
            String audited = services.core().database().read(tx -> tx.queryOne("SELECT actor || ' ' || result"
                    + " FROM audit_log WHERE action = 'keys.rotate'", rs -> rs.getString(1))).orElse("none");
            assertThat(audited).isEqualTo("cli success");
            String code = totp.codeAt(services.core().clock().instant().getEpochSecond());
            assertThat(services.totp().verifier().verifyTotp(new TotpVerifier.Verification("alice", code,
                    "app:test", CLIENT)).accepted())
                    .as("the seed opens under the new key").isTrue();
            assertThat(services.reader().mintingKeys().signingKey().keyId())
                    .as("the minting key opens under the new key").isEqualTo(1);
        }
    }

    private static Totp enroll(Services services, String username) {
        User user = services.people().users().create(username, List.of("staff"), ADMIN, CLIENT);
        TotpEnrollments.Created link = services.totp().enrollments().create(user.id(), ADMIN, CLIENT);
        TotpEnrollments.View view = services.totp().enrollments().view(link.token(), CLIENT);
        Totp totp = new Totp(view.parameters(), Base32.decode(view.secretBase32()));
        TotpEnrollments.Activation activation = services.totp().enrollments().activate(link.token(),
                totp.codeAt(services.core().clock().instant().getEpochSecond()), CLIENT);
        assertThat(activation).isInstanceOf(TotpEnrollments.Activation.Activated.class);
        return totp;
    }

    /** The sealed values, TOTP seeds first, then bundle-signing keys, then minting keys, each in id order. */
    private static List<byte[]> sealed(Core core) {
        return core.database().read(tx -> {
            List<byte[]> values = new ArrayList<>(tx.query("SELECT secret_ciphertext FROM totp_credentials"
                    + " ORDER BY id", rs -> rs.getBytes(1)));
            values.addAll(tx.query("SELECT private_key_ciphertext FROM server_keys ORDER BY key_id",
                    rs -> rs.getBytes(1)));
            values.addAll(tx.query("SELECT private_key_ciphertext FROM minting_keys ORDER BY generation",
                    rs -> rs.getBytes(1)));
            return values;
        });
    }
}
