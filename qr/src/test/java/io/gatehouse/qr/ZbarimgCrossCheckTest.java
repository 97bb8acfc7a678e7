package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes rendered PNGs with zbar, an implementation independent of ZXing, so that a bug shared
 * by ZXing's encoder and decoder cannot hide.
 */
class ZbarimgCrossCheckTest {

    static Stream<String> texts() {
        return QrDecoderTest.texts();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void zbarimg_decodes_exactly_the_encoded_text(String text, @TempDir Path directory) throws IOException {
        Path zbarimg = ExternalTool.require("zbarimg", "apt-get install -y zbar-tools");
        Path png = Files.write(directory.resolve("code.png"), QrCode.encode(text, ErrorCorrection.M).toPng(4));

        ExternalTool.ProcessResult result =
                ExternalTool.run(Duration.ofSeconds(30), zbarimg.toString(), "--raw", "-q", "--nodbus", png.toString());

        assertThat(result.exitCode()).as("exit code; stderr: %s", result.stderr()).isZero();
        // --raw prints the payload alone, followed by one newline.
        assertThat(result.stdout()).isEqualTo(text + "\n");
    }
}
