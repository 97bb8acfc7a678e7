package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContrastTest {

    /**
     * Known ratios: black on white is 21 by definition; the greys are the usual examples of WCAG's 4.5:1 threshold
     * (#777777 just fails, #767676 is the lightest grey that passes on white); #0000ff on white and #ff0000 on white
     * are the values WCAG 2 contrast checkers give.
     */
    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource({
        "#000000,#ffffff,21.00,true",
        "#ffffff,#000000,21.00,true",
        "#777777,#ffffff,4.48,false",
        "#767676,#ffffff,4.54,true",
        "#0000ff,#ffffff,8.59,true",
        "#ff0000,#ffffff,4.00,false",
        "#ffffff,#ffffff,1.00,false"})
    void ratios_match_the_wcag_2_formula(String a, String b, String shown, boolean sufficient) {
        Contrast contrast = Contrast.between(Rgb.parse(a), Rgb.parse(b));

        assertThat(contrast.shown()).isEqualTo(shown);
        assertThat(contrast.sufficient()).isEqualTo(sufficient);
    }

    @Test
    void the_exact_grey_ratios_lie_either_side_of_the_minimum() {
        assertThat(Contrast.between(Rgb.parse("#777777"), Rgb.WHITE).ratio()).isCloseTo(4.4781, within(0.0001));
        assertThat(Contrast.between(Rgb.parse("#767676"), Rgb.WHITE).ratio()).isCloseTo(4.5422, within(0.0001));
        assertThat(Contrast.between(Rgb.parse("#777777"), Rgb.WHITE).exact()).isEqualTo("4.478");
    }

    @Test
    void a_refused_ratio_never_shows_as_reaching_the_minimum() {
        Contrast justBelow = new Contrast(4.4996);

        assertThat(justBelow.sufficient()).isFalse();
        assertThat(justBelow.shown()).isEqualTo("4.49");
        assertThat(new Contrast(4.5).shown()).isEqualTo("4.50");
        assertThat(new Contrast(4.5).sufficient()).isTrue();
    }

    @Test
    void relative_luminance_uses_the_srgb_linearisation() {
        assertThat(Rgb.BLACK.relativeLuminance()).isZero();
        assertThat(Rgb.WHITE.relativeLuminance()).isCloseTo(1.0, within(1e-12));
        // 10/255 lies on the linear segment: 0.0392 / 12.92.
        assertThat(new Rgb(10, 10, 10).relativeLuminance()).isCloseTo(10 / 255.0 / 12.92, within(1e-12));
        assertThat(new Rgb(255, 0, 0).relativeLuminance()).isCloseTo(0.2126, within(1e-12));
    }

    @Test
    void colours_are_written_in_full_hex() {
        assertThat(Rgb.parse("#A1b2C3")).isEqualTo(new Rgb(0xA1, 0xB2, 0xC3));
        assertThat(Rgb.parse("#A1b2C3").hex()).isEqualTo("#a1b2c3");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "777777", "#777", "#7777777", "#gggggg", "red", "#77777７"})
    void other_colour_spellings_are_refused(String text) {
        assertThatThrownBy(() -> Rgb.parse(text))
                .isInstanceOf(QrException.class)
                .hasMessage("QR colour: expected # and six hex digits (#rrggbb), got '" + text + "'")
                .extracting(e -> ((QrException) e).reason()).isEqualTo(QrException.Reason.INVALID_COLOUR);
    }
}
