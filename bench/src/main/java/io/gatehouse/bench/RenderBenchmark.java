package io.gatehouse.bench;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.gatehouse.qr.Branding;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.Logo;
import io.gatehouse.qr.PdfLayout;
import io.gatehouse.qr.QrRenderer;
import io.gatehouse.qr.Rgb;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Branded code images (issue 12) against their floor, in the same run: each rendering includes the decode-back that
 * the renderer does before it returns an image (PNG: the encoded file read back; SVG: the document rasterised; PDF:
 * the page rendered by PDFBox), which is most of its cost.
 *
 * <ul>
 *   <li>{@code png}, {@code svg}, {@code pdf}: a managed code's link (63 characters), #1b2a4a on #fff8e7, level M,
 *       8 pixels per module, the PDF at 2 inches; {@code *_logo}: the same with a 240 x 120 logo (level H).</li>
 *   <li>{@code floor_zxing_encode}, {@code floor_zxing_encode_h}: ZXing's {@code QRCodeWriter.encode} of the same
 *       text to a {@link BitMatrix} at M and at H, nothing else.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Djava.awt.headless=true"})
@Threads(1)
public class RenderBenchmark {
    static final String URL = "https://gatehouse.example.com/q/3q2-7wAbCdEfGhIjKlMnOpQrStU";

    @State(Scope.Benchmark)
    public static class Fixture {
        final QrRenderer renderer = QrRenderer.standard();
        final QRCodeWriter writer = new QRCodeWriter();
        final Map<EncodeHintType, Object> levelM = Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
        final Map<EncodeHintType, Object> levelH = Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.H);
        Branding plain;
        Branding withLogo;

        @Setup
        public void setUp() {
            plain = Branding.DEFAULT.withColours(Rgb.parse("#1b2a4a"), Rgb.parse("#fff8e7"));
            withLogo = plain.withLogo(Logo.of(logo()));
        }

        private static BufferedImage logo() {
            BufferedImage image = new BufferedImage(240, 120, BufferedImage.TYPE_INT_ARGB);
            Graphics2D graphics = image.createGraphics();
            graphics.setColor(new Color(0xC0, 0x20, 0x20));
            graphics.fillOval(0, 0, 120, 120);
            graphics.setColor(new Color(0x10, 0x30, 0x90));
            graphics.fillRect(130, 30, 110, 60);
            graphics.dispose();
            return image;
        }
    }

    @Benchmark
    public BitMatrix floor_zxing_encode(Fixture f) throws WriterException {
        return f.writer.encode(URL, BarcodeFormat.QR_CODE, 0, 0, f.levelM);
    }

    @Benchmark
    public BitMatrix floor_zxing_encode_h(Fixture f) throws WriterException {
        return f.writer.encode(URL, BarcodeFormat.QR_CODE, 0, 0, f.levelH);
    }

    @Benchmark
    public byte[] png(Fixture f) {
        return f.renderer.png(URL, ErrorCorrection.M, f.plain).bytes();
    }

    @Benchmark
    public byte[] svg(Fixture f) {
        return f.renderer.svg(URL, ErrorCorrection.M, f.plain).bytes();
    }

    @Benchmark
    public byte[] pdf(Fixture f) {
        return f.renderer.pdf(URL, ErrorCorrection.M, f.plain, PdfLayout.DEFAULT).bytes();
    }

    @Benchmark
    public byte[] png_logo(Fixture f) {
        return f.renderer.png(URL, ErrorCorrection.M, f.withLogo).bytes();
    }

    @Benchmark
    public byte[] svg_logo(Fixture f) {
        return f.renderer.svg(URL, ErrorCorrection.M, f.withLogo).bytes();
    }

    @Benchmark
    public byte[] pdf_logo(Fixture f) {
        return f.renderer.pdf(URL, ErrorCorrection.M, f.withLogo, PdfLayout.DEFAULT).bytes();
    }
}
