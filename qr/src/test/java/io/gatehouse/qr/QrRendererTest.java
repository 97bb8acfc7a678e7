package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QrRendererTest {

    static final String URL = "https://gatehouse.example.com/q/3q2-7wAbCdEfGhIjKlMnOpQrStU";

    private final QrRenderer renderer = QrRenderer.standard();

    @ParameterizedTest(name = "{0}")
    @EnumSource(QrFormat.class)
    void every_format_renders_with_its_media_type(QrFormat format) {
        QrImage image = renderer.render(format, URL, ErrorCorrection.M, Branding.DEFAULT);

        assertThat(image.mediaType()).isEqualTo(format.mediaType());
        assertThat(image.errorCorrection()).isEqualTo(ErrorCorrection.M);
        assertThat(image.bytes()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(QrFormat.class)
    void a_logo_raises_error_correction_to_h(QrFormat format) {
        QrImage image = renderer.render(format, URL, ErrorCorrection.L, Branding.DEFAULT.withLogo(TestLogos.logo()));

        assertThat(image.errorCorrection()).isEqualTo(ErrorCorrection.H);
        assertThat(image.version()).isEqualTo(QrCode.encode(URL, ErrorCorrection.H).version());
    }

    @Test
    void a_short_text_goes_up_a_version_to_make_room_for_the_logo() {
        assertThat(QrCode.encode("HI", ErrorCorrection.H).version()).isEqualTo(1);

        QrImage image = renderer.png("HI", ErrorCorrection.H, Branding.DEFAULT.withLogo(TestLogos.logo()));

        assertThat(image.version()).isEqualTo(2);
    }

    @Test
    void png_pixels_use_the_branding_colours_and_the_logo_zone_is_background_around_the_logo() throws IOException {
        Rgb navy = Rgb.parse("#1b2a4a");
        Rgb cream = Rgb.parse("#fff8e7");
        int scale = 6;
        Branding branding = Branding.DEFAULT.withColours(navy, cream).withLogo(TestLogos.logo())
                .withModuleSize(ModuleSize.pixels(scale));
        QrImage png = renderer.png(URL, ErrorCorrection.M, branding);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        Symbol symbol = Symbol.encode(URL, ErrorCorrection.M, branding, LogoZone.MAX_AREA_FRACTION);
        LogoZone zone = symbol.zone().orElseThrow();
        int origin = 4 * scale;

        assertThat(image.getWidth()).isEqualTo((symbol.size() + 8) * scale);
        for (int y = 0; y < symbol.size(); y++) {
            for (int x = 0; x < symbol.size(); x++) {
                int centre = image.getRGB(origin + x * scale + scale / 2, origin + y * scale + scale / 2) & 0xFFFFFF;
                boolean padding = zone.contains(x, y) && (x == zone.first() || y == zone.first()
                        || x == zone.first() + zone.side() - 1 || y == zone.first() + zone.side() - 1);
                if (!zone.contains(x, y)) {
                    assertThat(centre).as("module %d,%d", x, y)
                            .isEqualTo(symbol.code().isDark(x, y) ? navy.toInt() : cream.toInt());
                } else if (padding) {
                    assertThat(centre).as("safe-zone padding %d,%d", x, y).isEqualTo(cream.toInt());
                }
            }
        }
        assertThat(image.getRGB(0, 0) & 0xFFFFFF).as("quiet zone").isEqualTo(cream.toInt());
    }

    @Test
    void without_a_logo_the_png_is_1_bit_in_the_two_branding_colours() throws IOException {
        Rgb navy = Rgb.parse("#1b2a4a");
        Rgb cream = Rgb.parse("#fff8e7");
        Branding branding = Branding.DEFAULT.withColours(navy, cream).withModuleSize(ModuleSize.fit(333))
                .withQuietZone(3);
        byte[] png = renderer.png(URL, ErrorCorrection.M, branding).bytes();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        QrCode code = QrCode.encode(URL, ErrorCorrection.M);
        int scale = 333 / (code.size() + 6);
        int origin = (333 - (code.size() + 6) * scale) / 2 + 3 * scale;

        assertThat(png[24]).as("bit depth").isEqualTo((byte) 1);
        for (int py = 0; py < 333; py++) {
            for (int px = 0; px < 333; px++) {
                int mx = Math.floorDiv(px - origin, scale);
                int my = Math.floorDiv(py - origin, scale);
                boolean dark = mx >= 0 && my >= 0 && mx < code.size() && my < code.size() && code.isDark(mx, my);
                assertThat(image.getRGB(px, py) & 0xFFFFFF).as("pixel %d,%d", px, py)
                        .isEqualTo(dark ? navy.toInt() : cream.toInt());
            }
        }
    }

    @Test
    void a_target_size_gives_exactly_that_image_side() throws IOException {
        QrImage png = renderer.png(URL, ErrorCorrection.M, Branding.DEFAULT.withModuleSize(ModuleSize.fit(300)));

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.bytes()));

        assertThat(image.getWidth()).isEqualTo(300);
        assertThat(image.getHeight()).isEqualTo(300);
    }

    @Test
    void a_target_size_too_small_for_the_symbol_is_refused() {
        assertThatThrownBy(() -> renderer.png(URL, ErrorCorrection.M, Branding.DEFAULT.withModuleSize(
                ModuleSize.fit(30))))
                .isInstanceOf(QrException.class)
                .hasMessage("QR image size: 30 pixels cannot hold the 41 modules of this symbol and its quiet zone");
    }

    @Test
    void light_on_dark_renders_and_decodes_when_allowed() {
        Branding branding = Branding.DEFAULT.withLightOnDarkAllowed(true).withColours(Rgb.WHITE,
                Rgb.parse("#003366"));

        for (QrFormat format : QrFormat.values()) {
            assertThat(renderer.render(format, URL, ErrorCorrection.Q, branding).bytes()).isNotEmpty();
        }
    }

    @Test
    void a_rendering_that_does_not_decode_is_refused_not_returned() {
        // Covers the top-left finder pattern with background: no decoder can find the symbol.
        QrRenderer broken = new QrRenderer(image -> {
            Graphics2D graphics = image.createGraphics();
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, image.getWidth() / 3, image.getHeight() / 3);
            graphics.dispose();
        });

        assertThatThrownBy(() -> broken.png(URL, ErrorCorrection.M, Branding.DEFAULT))
                .isInstanceOf(QrException.class)
                .hasMessageStartingWith("QR: the rendered PNG does not decode back (")
                .hasMessageEndingWith("); it was not returned")
                .extracting(e -> ((QrException) e).reason()).isEqualTo(QrException.Reason.NOT_DECODABLE);
    }

    @Test
    void a_decoded_text_other_than_the_encoded_one_is_refused() {
        assertThatThrownBy(() -> QrRenderer.requireDecodes(URL, QrFormat.SVG, () -> URL + "x"))
                .isInstanceOf(QrException.class)
                .hasMessage("QR: the rendered SVG decodes to 60 characters other than the 59 encoded; it was not"
                        + " returned");
    }

    @Test
    void the_svg_check_draws_the_document_itself_and_refuses_what_it_cannot_draw() {
        String svg = new String(renderer.svg(URL, ErrorCorrection.M, Branding.DEFAULT).bytes(),
                StandardCharsets.UTF_8);
        String withoutModules = svg.replaceAll("<path [^>]*/>", "");
        String withScript = svg.replace("</svg>", "<script>alert(1)</script></svg>");

        assertThat(QrDecoder.decode(SvgRaster.rasterise(svg, 4))).isEqualTo(URL);
        assertThatThrownBy(() -> QrDecoder.decode(SvgRaster.rasterise(withoutModules, 4)))
                .hasMessageStartingWith("QR: expected a QR code");
        assertThatThrownBy(() -> SvgRaster.rasterise(withScript, 4))
                .hasMessage("QR: the rendered SVG cannot be checked: the document holds a <script> element");
    }

    @Test
    void svg_with_a_logo_embeds_it_as_a_png_data_uri_and_keeps_colours() throws Exception {
        Branding branding = Branding.DEFAULT.withColours(Rgb.parse("#5a1e6e"), Rgb.parse("#f4f4f4"))
                .withLogo(TestLogos.logo());
        String svg = new String(renderer.svg(URL, ErrorCorrection.M, branding).bytes(), StandardCharsets.UTF_8);

        assertThat(svg).contains("fill=\"#5a1e6e\"", "fill=\"#f4f4f4\"", "href=\"data:image/png;base64,")
                .doesNotContain("DOCTYPE", "ENTITY", "http://www.w3.org/1999/xlink");
        QrCodeTest.parseSecurely(svg);
    }

    @Test
    void the_pdf_prints_the_code_at_no_less_than_the_minimum_and_says_so() throws IOException {
        PdfLayout layout = new PdfLayout(PdfLayout.MIN_SYMBOL_POINTS, Optional.of("Front door, visitors"));

        byte[] pdf = renderer.pdf(URL, ErrorCorrection.M, Branding.DEFAULT, layout).bytes();

        try (PDDocument document = Loader.loadPDF(pdf)) {
            assertThat(document.getNumberOfPages()).isEqualTo(1);
            PDRectangle page = document.getPage(0).getMediaBox();
            assertThat(page.getWidth()).isGreaterThanOrEqualTo(288);
            String text = new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
            assertThat(text).contains("Front door, visitors",
                    "Smallest print size for close scanning: 0.8 \u00d7 0.8 inch (20 mm).",
                    "This page prints the code at 0.80 \u00d7 0.80 inch (20 mm)");
        }
    }

    @Test
    void the_pdf_embeds_its_font_so_greek_and_cyrillic_captions_print() throws IOException {
        byte[] pdf = renderer.pdf(URL, ErrorCorrection.M, Branding.DEFAULT, PdfLayout.DEFAULT.withCaption(
                "Είσοδος / Вход / Entrée")).bytes();

        try (PDDocument document = Loader.loadPDF(pdf)) {
            assertThat(new PDFTextStripper().getText(document)).contains("Είσοδος / Вход / Entrée");
            document.getPage(0).getResources().getFontNames().forEach(name -> {
                try {
                    assertThat(document.getPage(0).getResources().getFont(name).isEmbedded()).isTrue();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void a_caption_the_pdf_font_cannot_show_is_refused() {
        PdfLayout layout = PdfLayout.DEFAULT.withCaption("入口");

        assertThatThrownBy(() -> renderer.pdf(URL, ErrorCorrection.M, Branding.DEFAULT, layout))
                .isInstanceOf(QrException.class)
                .hasMessageStartingWith("QR caption: expected characters the PDF's font (Liberation Sans: Latin, Greek, Cyrillic) has");
    }

    @Test
    void logos_are_bounded_and_re_encoded() {
        assertThatThrownBy(() -> Logo.of(new BufferedImage(8, 64, BufferedImage.TYPE_INT_ARGB)))
                .hasMessage("QR logo: expected a width and height of 16..1024 pixels, got 8x64");
        assertThatThrownBy(() -> Logo.fromPng("GIF89a".getBytes(StandardCharsets.US_ASCII)))
                .hasMessage("QR logo: expected a PNG file, got 6 bytes without the PNG signature");
        Logo logo = TestLogos.logo();
        assertThat(Logo.fromPng(logo.png()).width()).isEqualTo(240);
    }
}
