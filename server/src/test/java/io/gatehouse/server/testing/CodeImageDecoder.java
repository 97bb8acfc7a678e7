package io.gatehouse.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.qr.SvgRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Reads a served code image back with {@code zbarimg}, as a phone's camera would: a PNG as it is, an SVG drawn by the
 * qr module's rasteriser (no SVG renderer is installed here), a PDF's first page rendered by PDFBox at 300 dpi.
 */
public final class CodeImageDecoder {
    private CodeImageDecoder() {
    }

    /** The text {@code zbarimg} reads from {@code bytes} of {@code format} (png, svg or pdf); skips without zbarimg. */
    public static String decode(String format, byte[] bytes, Path workDirectory) {
        Path zbarimg = ExternalTool.require("zbarimg", "zbar-tools");
        Path file = workDirectory.resolve("decoded-" + System.nanoTime() + ".png");
        try {
            switch (format) {
                case "svg" -> ImageIO.write(SvgRaster.rasterise(new String(bytes, StandardCharsets.UTF_8), 6), "png",
                        file.toFile());
                case "pdf" -> {
                    try (PDDocument document = Loader.loadPDF(bytes)) {
                        ImageIO.write(new PDFRenderer(document).renderImageWithDPI(0, 300), "png", file.toFile());
                    }
                }
                default -> Files.write(file, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExternalTool.Result decoded = ExternalTool.run(Duration.ofSeconds(30), zbarimg.toString(), "--raw", "-q",
                "--nodbus", file.toString());
        assertThat(decoded.exitCode()).as(decoded.stderr()).isZero();
        return decoded.stdout().strip();
    }
}
