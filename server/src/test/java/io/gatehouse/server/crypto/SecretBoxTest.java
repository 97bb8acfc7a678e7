package io.gatehouse.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;
    final SecureRandom random = new SecureRandom();

    @Test
    void the_key_file_is_created_owner_only_and_reloads_to_the_same_keys() throws Exception {
        Path file = dir.resolve("master.key");
        MasterKeyring created = MasterKeyring.create(file, random);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        SecretBox box = new SecretBox(created, random);
        byte[] sealed = box.seal("seed".getBytes(), "ctx");
        assertThat(new SecretBox(MasterKeyring.load(file), random).open(sealed, "ctx")).isEqualTo("seed".getBytes());
    }

    @Test
    void a_sealed_value_opens_only_in_its_own_context_and_unaltered() {
        SecretBox box = new SecretBox(MasterKeyring.create(dir.resolve("k"), random), random);
        byte[] sealed = box.seal(new byte[] {1, 2, 3}, "totp-credential:a");
        assertThatThrownBy(() -> box.open(sealed, "totp-credential:b")).isInstanceOf(CryptoException.class)
                .hasMessageContaining("altered or moved");
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            assertThatThrownBy(() -> box.open(tampered, "totp-credential:a")).isInstanceOf(CryptoException.class);
        }
    }

    @Test
    void after_rotation_old_values_still_open_and_new_ones_use_the_new_key() {
        Path file = dir.resolve("master.key");
        SecretBox before = new SecretBox(MasterKeyring.create(file, random), random);
        byte[] old = before.seal(new byte[] {9}, "x");
        MasterKeyring rotated = MasterKeyring.addKey(file, random);
        assertThat(rotated.activeKeyId()).isEqualTo("mk2");
        SecretBox after = new SecretBox(rotated, random);
        assertThat(after.open(old, "x")).containsExactly(9);
        assertThat(SecretBox.keyIdOf(after.seal(new byte[] {1}, "x"))).isEqualTo("mk2");
    }

    @Test
    void one_thread_seals_and_opens_under_two_keys_in_turn_and_a_refused_value_leaves_the_next_one_readable() {
        Path file = dir.resolve("master.key");
        SecretBox before = new SecretBox(MasterKeyring.create(file, random), random);
        byte[] old = before.seal(new byte[] {7}, "x");
        SecretBox box = new SecretBox(MasterKeyring.addKey(file, random), random);
        for (int i = 0; i < 3; i++) {
            byte[] fresh = box.seal(new byte[] {(byte) i}, "y");
            assertThat(box.open(old, "x")).containsExactly(7);
            byte[] tampered = fresh.clone();
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> box.open(tampered, "y")).isInstanceOf(CryptoException.class)
                    .hasMessageContaining("altered or moved");
            assertThatThrownBy(() -> box.open(fresh, "x")).isInstanceOf(CryptoException.class);
            assertThat(box.open(fresh, "y")).containsExactly(i);
        }
    }

    @Test
    void a_key_file_readable_by_others_is_refused() throws Exception {
        Path file = dir.resolve("master.key");
        MasterKeyring.create(file, random);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> MasterKeyring.load(file)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("chmod 600");
    }
}
