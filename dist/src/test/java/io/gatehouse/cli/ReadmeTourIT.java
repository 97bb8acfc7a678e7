package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's tour, run as written by {@code scripts/readme-tour.sh} (every block fenced {@code sh tour}, in order,
 * in a fresh folder, with the packaged launcher): a README whose commands stopped working fails the build.
 */
class ReadmeTourIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void every_command_of_the_README_tour_runs_and_shows_what_the_README_says() throws Exception {
        for (String tool : new String[] {"curl", "oathtool", "zbarimg"}) {
            assumeTrue(onPath(tool), "skipped: the README tour needs " + tool + " (apt-get install curl oathtool"
                    + " zbar-tools)");
        }
        Path output = Files.createTempFile("readme-tour", ".out");
        Process tour = new ProcessBuilder("bash", ROOT.resolve("scripts/readme-tour.sh").toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        tour.getOutputStream().close();
        boolean finished = tour.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            tour.descendants().forEach(ProcessHandle::destroyForcibly);
            tour.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        assertThat(finished).as("the tour finishes within 5 minutes; its output:\n%s", text).isTrue();
        assertThat(tour.exitValue()).as("the tour's exit code; its output:\n%s", text).isZero();
        assertThat(text)
                .as("the otpauth URI decoded back from the QR image").contains("otpauth://totp/")
                .as("activation returns recovery codes").contains("\"recoveryCodes\":[")
                .as("the first verification after activation").contains("{\"result\":\"accepted\"}")
                .as("audit verify").contains("audit chain intact")
                .as("the scan at the door").contains("\"decision\":\"grant\"")
                .as("the same code again").contains("\"reason\":\"replayed\"")
                .as("the reader agent relays online").containsPattern(
                        "\\{\"eventId\":\"rdr_[a-z0-9]+/1\",\"decision\":\"grant\",\"reason\":null,\"mode\":\"online\"");
    }
}
