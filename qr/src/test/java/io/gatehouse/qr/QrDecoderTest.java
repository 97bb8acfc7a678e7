package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.otp.OtpAlgorithm;
import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.TotpParameters;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QrDecoderTest {

    static final String OTPAUTH_URI = OtpAuthUri.totp("Gatehouse", "alice@example.com",
            "12345678901234567890".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            new TotpParameters(OtpAlgorithm.SHA256, 8, 30));

    static final String ALPHANUMERIC_300 = randomText(new SplittableRandom(300),
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 300);

    static final String UTF8 = "Zugang für Jürgen — 門 🔑 Ωμέγα";

    static Stream<String> texts() {
        return Stream.of(OTPAUTH_URI, ALPHANUMERIC_300, UTF8, "café", "HELLO WORLD", "0123456789");
    }

    static Stream<Arguments> textsAtEveryLevel() {
        return texts().flatMap(text -> Arrays.stream(ErrorCorrection.values()).map(level -> Arguments.of(level, text)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("textsAtEveryLevel")
    void png_round_trips_through_the_decoder(ErrorCorrection level, String text) {
        byte[] png = QrCode.encode(text, level).toPng(4);

        assertThat(QrDecoder.decode(png)).isEqualTo(text);
    }

    /**
     * Texts whose symbols, rendered cleanly at 8 pixels per module, ZXing's finder-pattern search alone does not find
     * (found by rendering 31,000 code links; about one in a thousand): the decoder's later ways must read them.
     */
    @ParameterizedTest(name = "port {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {36118, 44742, 58413, 59848})
    void symbols_that_the_finder_search_misses_are_still_read(int port) {
        String link = "http://127.0.0.1:" + port + "/q/Zt3vW8xY1qR5sN0mK7jH2gF4dSa";
        byte[] png = QrCode.encode(link, ErrorCorrection.M).toPng(8);

        assertThat(QrDecoder.decode(png)).isEqualTo(link);
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void random_texts_round_trip_at_random_sizes(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String text = randomText(random, " !#%&+-./:=?@_~09AZaz\"<>äß€中🔑", random.nextInt(1, 400));
        ErrorCorrection level = ErrorCorrection.values()[random.nextInt(4)];
        int scale = random.nextInt(2, 7);
        int quietZone = random.nextInt(2, 9);

        byte[] png = QrCode.encode(text, level).toPng(scale, quietZone);

        assertThat(QrDecoder.decode(png)).isEqualTo(text);
    }

    @Test
    void decodes_jpeg_too() throws IOException {
        BufferedImage rgb = toRgb(ImageIO.read(new ByteArrayInputStream(QrCode.encode(OTPAUTH_URI, ErrorCorrection.M).toPng(6))));
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertThat(ImageIO.write(rgb, "jpeg", jpeg)).isTrue();

        assertThat(QrDecoder.decode(jpeg.toByteArray())).isEqualTo(OTPAUTH_URI);
    }

    @Test
    void transparent_pixels_count_as_white() {
        QrCode code = QrCode.encode(OTPAUTH_URI, ErrorCorrection.M);
        int scale = 4;
        int quietZone = 4;
        int side = (code.size() + 2 * quietZone) * scale;
        // Transparent black: read without alpha, the whole image would be dark.
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int mx = x / scale - quietZone;
                int my = y / scale - quietZone;
                boolean dark = mx >= 0 && my >= 0 && mx < code.size() && my < code.size() && code.isDark(mx, my);
                image.setRGB(x, y, dark ? 0xFF000000 : 0x00000000);
            }
        }

        assertThat(QrDecoder.decode(image)).isEqualTo(OTPAUTH_URI);
    }

    @Test
    void a_blank_image_has_no_code() throws IOException {
        BufferedImage white = new BufferedImage(200, 100, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                white.setRGB(x, y, 0xFFFFFF);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(white, "png", png);

        assertThatThrownBy(() -> QrDecoder.decode(png.toByteArray()))
                .isInstanceOf(QrException.class)
                .hasMessage("QR: expected a QR code in the 200x100 image, found none");
    }

    @Test
    void bytes_that_are_no_image_are_rejected() {
        assertThatThrownBy(() -> QrDecoder.decode(new byte[0]))
                .isInstanceOf(QrException.class)
                .hasMessage("QR: expected a PNG or JPEG image, got 0 bytes that no ImageIO reader recognises");
        assertThatThrownBy(() -> QrDecoder.decode("otpauth://totp/x?secret=MY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOf(QrException.class)
                .hasMessageContaining("no ImageIO reader recognises");
    }

    @Test
    void a_truncated_png_is_rejected() {
        byte[] png = QrCode.encode(OTPAUTH_URI, ErrorCorrection.M).toPng(4);

        assertThatThrownBy(() -> QrDecoder.decode(Arrays.copyOf(png, png.length / 2)))
                .isInstanceOf(QrException.class)
                .hasMessageStartingWith("QR: expected a readable image, got " + png.length / 2 + " bytes");
    }

    @Test
    void a_png_declaring_a_huge_canvas_is_rejected_before_allocating_it() {
        byte[] bomb = pngHeaderOnly(100_000, 100_000);

        assertThatThrownBy(() -> QrDecoder.decode(bomb))
                .isInstanceOf(QrException.class)
                .hasMessage("QR: expected an image of at most " + QrDecoder.MAX_PIXELS + " pixels, got 100000x100000");
    }

    @Test
    void rejects_nulls() {
        assertThatThrownBy(() -> QrDecoder.decode((byte[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> QrDecoder.decode((BufferedImage) null)).isInstanceOf(NullPointerException.class);
    }

    private static String randomText(SplittableRandom random, String alphabet, int length) {
        int[] codePoints = alphabet.codePoints().toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return text.toString();
    }

    private static BufferedImage toRgb(BufferedImage image) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                rgb.setRGB(x, y, image.getRGB(x, y));
            }
        }
        return rgb;
    }

    /** A PNG signature and IHDR chunk (1-bit grey) followed directly by IEND: no pixel data at all. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer png = ByteBuffer.allocate(8 + 25 + 12);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put(new byte[] {'I', 'H', 'D', 'R'}).putInt(width).putInt(height).put(new byte[] {1, 0, 0, 0, 0});
        png.putInt(13).put(ihdr.array()).putInt(crc(ihdr.array()));
        byte[] iend = {'I', 'E', 'N', 'D'};
        png.putInt(0).put(iend).putInt(crc(iend));
        return png.array();
    }

    private static int crc(byte[] typeAndData) {
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        return (int) crc.getValue();
    }
}
