package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Branded renderings decoded by zbar, a decoder independent of the ZXing that checked them: PNGs with and without a
 * logo at several sizes and colours, the SVG and the PDF page.
 *
 * <p>The SVG is rasterised by {@code rsvg-convert} when it is installed, and otherwise by the same rasteriser the
 * renderer's own check uses (the JDK has no SVG renderer); the PDF page by {@code pdftoppm} when installed, and
 * otherwise by PDFBox. Each test prints which one it used.
 */
class BrandedZbarimgTest {

    static final String URL = QrRendererTest.URL;

    static Stream<Arguments> pngs() {
        Branding grey = Branding.DEFAULT.withColours(Rgb.parse("#767676"), Rgb.WHITE);
        Branding navy = Branding.DEFAULT.withColours(Rgb.parse("#1b2a4a"), Rgb.parse("#fff8e7"));
        Logo logo = TestLogos.logo();
        return Stream.of(
                Arguments.of("black, 2 px", Branding.DEFAULT.withModuleSize(ModuleSize.pixels(2))),
                Arguments.of("grey 767676, 4 px", grey.withModuleSize(ModuleSize.pixels(4))),
                Arguments.of("navy on cream, 300 px", navy.withModuleSize(ModuleSize.fit(300))),
                Arguments.of("logo, 3 px", Branding.DEFAULT.withLogo(logo).withModuleSize(ModuleSize.pixels(3))),
                Arguments.of("logo, 5 px", Branding.DEFAULT.withLogo(logo).withModuleSize(ModuleSize.pixels(5))),
                Arguments.of("logo, grey, 8 px", grey.withLogo(logo).withModuleSize(ModuleSize.pixels(8))),
                Arguments.of("logo, navy, 512 px", navy.withLogo(logo).withModuleSize(ModuleSize.fit(512))),
                Arguments.of("logo, navy, 1000 px", navy.withLogo(logo).withModuleSize(ModuleSize.fit(1000))),
                Arguments.of("logo, 2-module quiet zone", Branding.DEFAULT.withLogo(logo).withQuietZone(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pngs")
    void zbarimg_decodes_branded_pngs(String name, Branding branding, @TempDir Path directory) throws IOException {
        Path png = Files.write(directory.resolve("code.png"),
                QrRenderer.standard().png(URL, ErrorCorrection.M, branding).bytes());

        assertThat(zbarimg(png)).isEqualTo(URL + "\n");
    }

    @Test
    void zbarimg_decodes_the_svg(@TempDir Path directory) throws IOException {
        Branding branding = Branding.DEFAULT.withColours(Rgb.parse("#5a1e6e"), Rgb.parse("#f4f4f4"))
                .withLogo(TestLogos.logo());
        byte[] svg = QrRenderer.standard().svg(URL, ErrorCorrection.M, branding).bytes();
        Path svgFile = Files.write(directory.resolve("code.svg"), svg);
        Path png = directory.resolve("code.png");
        Optional<Path> rsvg = ExternalTool.find("rsvg-convert");
        if (rsvg.isPresent()) {
            System.out.println("SVG rasterised by rsvg-convert");
            ExternalTool.ProcessResult converted = ExternalTool.run(Duration.ofSeconds(30), rsvg.get().toString(),
                    "--background-color=white", "-w", "600", "-o", png.toString(), svgFile.toString());
            assertThat(converted.exitCode()).as(converted.stderr()).isZero();
        } else {
            System.out.println("SVG rasterised in Java (rsvg-convert not installed): the renderer's own SvgRaster");
            ImageIO.write(SvgRaster.rasterise(new String(svg, java.nio.charset.StandardCharsets.UTF_8), 6), "png",
                    png.toFile());
        }

        assertThat(zbarimg(png)).isEqualTo(URL + "\n");
    }

    @Test
    void zbarimg_decodes_the_pdf_page(@TempDir Path directory) throws IOException {
        PdfLayout layout = new PdfLayout(PdfLayout.MIN_SYMBOL_POINTS, Optional.of("Lobby"));
        byte[] pdf = QrRenderer.standard().pdf(URL, ErrorCorrection.M, Branding.DEFAULT.withLogo(TestLogos.logo()),
                layout).bytes();
        Path pdfFile = Files.write(directory.resolve("code.pdf"), pdf);
        Path png = directory.resolve("page.png");
        Optional<Path> pdftoppm = ExternalTool.find("pdftoppm");
        if (pdftoppm.isPresent()) {
            System.out.println("PDF page rendered by pdftoppm");
            ExternalTool.ProcessResult rendered = ExternalTool.run(Duration.ofSeconds(30), pdftoppm.get().toString(),
                    "-png", "-r", "300", "-singlefile", pdfFile.toString(), directory.resolve("page").toString());
            assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
        } else {
            System.out.println("PDF page rendered by PDFBox at 300 dpi (pdftoppm not installed)");
            ImageIO.write(QrRenderer.renderPage(pdf, 300), "png", png.toFile());
        }

        assertThat(zbarimg(png)).isEqualTo(URL + "\n");
    }

    private static String zbarimg(Path image) {
        Path zbarimg = ExternalTool.require("zbarimg", "apt-get install -y zbar-tools");
        ExternalTool.ProcessResult result = ExternalTool.run(Duration.ofSeconds(30), zbarimg.toString(), "--raw", "-q",
                "--nodbus", image.toString());
        assertThat(result.exitCode()).as("exit code; stderr: %s", result.stderr()).isZero();
        return result.stdout();
    }
}
