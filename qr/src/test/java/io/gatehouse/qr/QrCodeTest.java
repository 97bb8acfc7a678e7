package io.gatehouse.qr;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

class QrCodeTest {

    private static final String OTPAUTH = "otpauth://totp/Gatehouse:alice%40example.com"
            + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30";

    /** 11 alphanumeric-mode characters; version 1 holds 25/20/16/10 of them at L/M/Q/H. */
    @ParameterizedTest(name = "{0} -> version {1}")
    @CsvSource({"L,1", "M,1", "Q,1", "H,2"})
    void hello_world_needs_the_version_the_capacity_tables_give(ErrorCorrection level, int version) {
        QrCode code = QrCode.encode("HELLO WORLD", level);

        assertThat(code.version()).isEqualTo(version);
        assertThat(code.size()).isEqualTo(17 + 4 * version);
        assertThat(code.errorCorrection()).isEqualTo(level);
    }

    /** Alphanumeric capacity at L: version 8 holds 279 characters, version 9 holds 335. */
    @Test
    void three_hundred_alphanumeric_characters_need_version_9_at_level_l() {
        QrCode code = QrCode.encode("GATEHOUSE-0123456789 ".repeat(15).substring(0, 300), ErrorCorrection.L);

        assertThat(code.version()).isEqualTo(9);
        assertThat(code.size()).isEqualTo(53);
    }

    /** 135 bytes in byte mode; at M version 7 holds 122 bytes and version 8 holds 152. */
    @Test
    void the_enrolment_uri_needs_version_8_at_level_m() {
        assertThat(OTPAUTH).hasSize(135);
        assertThat(QrCode.encode(OTPAUTH, ErrorCorrection.M).version()).isEqualTo(8);
    }

    /** Version 1-L holds 19 data bytes: 4 + 8 header bits and 17 bytes fill 148 of 152 bits. */
    @Test
    void ascii_text_is_encoded_without_a_character_set_declaration() {
        assertThat(QrCode.encode("a".repeat(17), ErrorCorrection.L).version()).isEqualTo(1);
    }

    /** The same 17 bytes plus a 12-bit UTF-8 declaration overflow version 1-L. */
    @Test
    void non_ascii_text_is_declared_as_utf8_even_when_latin1_would_do() {
        assertThat(QrCode.encode("a".repeat(15) + "ä", ErrorCorrection.L).version()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ErrorCorrection.class)
    void finder_patterns_sit_in_three_corners(ErrorCorrection level) {
        QrCode code = QrCode.encode(OTPAUTH, level);
        int far = code.size() - 7;

        for (int[] corner : new int[][] {{0, 0}, {far, 0}, {0, far}}) {
            int x = corner[0];
            int y = corner[1];
            assertThat(code.isDark(x, y)).isTrue();
            assertThat(code.isDark(x + 6, y + 6)).isTrue();
            assertThat(code.isDark(x + 1, y + 1)).isFalse();
            assertThat(code.isDark(x + 3, y + 3)).isTrue();
        }
        assertThat(code.isDark(7, 7)).as("separator").isFalse();
    }

    @Test
    void is_dark_rejects_coordinates_outside_the_symbol() {
        QrCode code = QrCode.encode("HELLO WORLD", ErrorCorrection.M);

        assertThatThrownBy(() -> code.isDark(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> code.isDark(0, 21)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void the_longest_numeric_text_fits_version_40_and_one_more_digit_does_not() {
        assertThat(QrCode.encode("7".repeat(7089), ErrorCorrection.L).version()).isEqualTo(40);

        assertThatThrownBy(() -> QrCode.encode("7".repeat(7090), ErrorCorrection.L))
                .isInstanceOf(QrException.class)
                .hasMessageContaining("expected text that fits in version 40 at error correction L, got 7090 characters");
    }

    @Test
    void too_long_utf8_text_names_its_byte_length() {
        assertThatThrownBy(() -> QrCode.encode("ü".repeat(1000), ErrorCorrection.H))
                .isInstanceOf(QrException.class)
                .hasMessageContaining("got 1000 characters (2000 bytes in UTF-8)");
    }

    @Test
    void rejects_nulls() {
        assertThatThrownBy(() -> QrCode.encode(null, ErrorCorrection.M)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> QrCode.encode("x", null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest(name = "scale {0}")
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 65})
    void png_rejects_module_scales_outside_1_to_64(int scale) {
        QrCode code = QrCode.encode("HELLO WORLD", ErrorCorrection.M);

        assertThatThrownBy(() -> code.toPng(scale))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("QR module scale: expected 1..64, got " + scale);
    }

    @ParameterizedTest(name = "quiet zone {0}")
    @ValueSource(ints = {-1, 17})
    void png_and_svg_reject_quiet_zones_outside_0_to_16(int quietZone) {
        QrCode code = QrCode.encode("HELLO WORLD", ErrorCorrection.M);
        String message = "QR quiet zone: expected 0..16, got " + quietZone;

        assertThatThrownBy(() -> code.toPng(4, quietZone)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> code.toSvg(quietZone)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void png_is_a_1_bit_image() {
        byte[] png = QrCode.encode(OTPAUTH, ErrorCorrection.M).toPng(4);

        // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), then bit depth.
        assertThat(new String(png, 12, 4, US_ASCII)).isEqualTo("IHDR");
        assertThat(png[24]).as("bit depth").isEqualTo((byte) 1);
    }

    @ParameterizedTest(name = "scale {0}, quiet zone {1}")
    @CsvSource({"1,0", "1,4", "3,4", "8,2", "5,16"})
    void png_pixels_match_the_modules(int scale, int quietZone) throws IOException {
        QrCode code = QrCode.encode(OTPAUTH, ErrorCorrection.Q);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(code.toPng(scale, quietZone)));

        int side = (code.size() + 2 * quietZone) * scale;
        assertThat(image.getWidth()).isEqualTo(side);
        assertThat(image.getHeight()).isEqualTo(side);
        for (int py = 0; py < side; py++) {
            for (int px = 0; px < side; px++) {
                int mx = px / scale - quietZone;
                int my = py / scale - quietZone;
                boolean dark = mx >= 0 && my >= 0 && mx < code.size() && my < code.size() && code.isDark(mx, my);
                assertThat(image.getRGB(px, py) & 0xFFFFFF).as("pixel %d,%d", px, py).isEqualTo(dark ? 0x000000 : 0xFFFFFF);
            }
        }
    }

    @ParameterizedTest(name = "quiet zone {0}")
    @ValueSource(ints = {0, 4, 16})
    void svg_is_well_formed_xml_with_a_view_box_in_modules(int quietZone) throws Exception {
        QrCode code = QrCode.encode(OTPAUTH, ErrorCorrection.M);
        String svg = code.toSvg(quietZone);
        int side = code.size() + 2 * quietZone;

        Element root = parseSecurely(svg).getDocumentElement();

        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 " + side + " " + side);
        assertThat(root.getAttribute("shape-rendering")).isEqualTo("crispEdges");
        Element background = (Element) root.getElementsByTagNameNS("*", "rect").item(0);
        assertThat(background.getAttribute("width")).isEqualTo(String.valueOf(side));
        assertThat(background.getAttribute("fill")).isEqualTo("#FFFFFF");
        assertThat(root.getElementsByTagNameNS("*", "path").getLength()).isEqualTo(1);
        assertThat(svg).doesNotContain("DOCTYPE", "href", "ENTITY");
    }

    @Test
    void svg_path_covers_exactly_the_dark_modules() throws Exception {
        QrCode code = QrCode.encode(OTPAUTH, ErrorCorrection.H);
        int quietZone = 4;
        Element path = (Element) parseSecurely(code.toSvg(quietZone)).getElementsByTagNameNS("*", "path").item(0);
        String d = path.getAttribute("d");

        boolean[][] painted = new boolean[code.size()][code.size()];
        Matcher run = Pattern.compile("M(\\d+),(\\d+)h(\\d+)v1h-(\\d+)z").matcher(d);
        int end = 0;
        while (run.find()) {
            assertThat(run.start()).as("runs are contiguous").isEqualTo(end);
            end = run.end();
            int x = Integer.parseInt(run.group(1)) - quietZone;
            int y = Integer.parseInt(run.group(2)) - quietZone;
            int length = Integer.parseInt(run.group(3));
            assertThat(run.group(4)).isEqualTo(run.group(3));
            for (int i = 0; i < length; i++) {
                assertThat(painted[y][x + i]).as("module %d,%d painted twice", x + i, y).isFalse();
                painted[y][x + i] = true;
            }
        }
        assertThat(end).as("whole path consumed").isEqualTo(d.length());
        for (int y = 0; y < code.size(); y++) {
            for (int x = 0; x < code.size(); x++) {
                assertThat(painted[y][x]).as("module %d,%d", x, y).isEqualTo(code.isDark(x, y));
            }
        }
    }

    @Test
    void default_renderings_use_the_standard_quiet_zone() {
        QrCode code = QrCode.encode("HELLO WORLD", ErrorCorrection.M);

        assertThat(code.toSvg()).isEqualTo(code.toSvg(QrCode.DEFAULT_QUIET_ZONE));
        assertThat(code.toPng(2)).isEqualTo(code.toPng(2, QrCode.DEFAULT_QUIET_ZONE));
    }

    @Test
    void to_string_names_version_size_and_level() {
        assertThat(QrCode.encode("HELLO WORLD", ErrorCorrection.Q))
                .hasToString("QrCode[version 1, 21x21, error correction Q]");
    }

    /** Parses with DTDs and external entities disabled, as any SVG consumer should. */
    static Document parseSecurely(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(new InputSource(new StringReader(xml)));
    }
}
