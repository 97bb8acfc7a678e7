package io.gatehouse.wallet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.qr.QrDecoder;
import io.gatehouse.wallet.ProofGenerator;
import io.gatehouse.wallet.SteppingClock;
import io.gatehouse.wallet.TestWallets;
import io.gatehouse.wallet.UserVerifier;
import io.gatehouse.wallet.Wallet;
import java.awt.image.BufferedImage;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TerminalQrTest {

    private static final String PROOF_TEXT = new ProofGenerator(TestWallets.newWallet(Wallet.DEFAULT_ROTATION),
            UserVerifier.NONE, SteppingClock.fixed(Instant.parse("2026-03-01T12:00:00Z")), new SecureRandom())
            .next().toText();

    @ParameterizedTest(name = "light background: {0}")
    @ValueSource(booleans = {false, true})
    void the_half_block_drawing_scans_back_to_the_text(boolean lightBackground) {
        QrCode code = QrCode.encode(PROOF_TEXT, ErrorCorrection.M);

        String drawing = TerminalQr.render(code, lightBackground);

        String[] lines = drawing.split("\n");
        int side = code.size() + 2 * QrCode.DEFAULT_QUIET_ZONE;
        assertThat(lines).hasSize((side + 1) / 2).allMatch(line -> line.length() == side);
        assertThat(QrDecoder.decode(screenshot(lines, lightBackground))).isEqualTo(PROOF_TEXT);
    }

    /**
     * Paints the drawing as a terminal would, 4 pixels per module: ink in the foreground colour, the
     * rest in the background colour, plus a band of background around it.
     */
    private static BufferedImage screenshot(String[] lines, boolean lightBackground) {
        int scale = 4;
        int margin = 8;
        int width = lines[0].length();
        int height = lines.length * 2;
        int foreground = lightBackground ? 0x000000 : 0xFFFFFF;
        int background = lightBackground ? 0xFFFFFF : 0x000000;
        BufferedImage image = new BufferedImage((width + 2 * margin) * scale, (height + 2 * margin) * scale,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, background);
            }
        }
        for (int row = 0; row < lines.length; row++) {
            for (int column = 0; column < width; column++) {
                char cell = lines[row].charAt(column);
                boolean upper = cell == '\u2588' || cell == '\u2580';
                boolean lower = cell == '\u2588' || cell == '\u2584';
                paint(image, column + margin, 2 * row + margin, scale, upper ? foreground : background);
                paint(image, column + margin, 2 * row + 1 + margin, scale, lower ? foreground : background);
            }
        }
        return image;
    }

    private static void paint(BufferedImage image, int moduleX, int moduleY, int scale, int rgb) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                image.setRGB(moduleX * scale + dx, moduleY * scale + dy, rgb);
            }
        }
    }
}
