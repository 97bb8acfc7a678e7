package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrandingTest {

    @Test
    void grey_777777_on_white_is_refused_naming_both_colours_and_the_ratio() {
        assertThatThrownBy(() -> Branding.DEFAULT.withColours(Rgb.parse("#777777"), Rgb.WHITE))
                .isInstanceOf(QrException.class)
                .hasMessage("QR colours: foreground #777777 on background #ffffff have a contrast ratio of 4.48:1"
                        + " (4.478), below the minimum 4.5:1 (WCAG 2)")
                .extracting(e -> ((QrException) e).reason()).isEqualTo(QrException.Reason.INSUFFICIENT_CONTRAST);
    }

    @Test
    void grey_767676_on_white_is_accepted() {
        Branding branding = Branding.DEFAULT.withColours(Rgb.parse("#767676"), Rgb.WHITE);

        assertThat(branding.contrast().shown()).isEqualTo("4.54");
        assertThat(branding.lightOnDark()).isFalse();
    }

    @Test
    void light_on_dark_is_refused_unless_allowed_explicitly() {
        assertThatThrownBy(() -> Branding.DEFAULT.withColours(Rgb.WHITE, Rgb.parse("#003366")))
                .isInstanceOf(QrException.class)
                .hasMessageStartingWith("QR colours: foreground #ffffff is lighter than background #003366;")
                .extracting(e -> ((QrException) e).reason()).isEqualTo(QrException.Reason.LIGHT_ON_DARK);

        Branding allowed = Branding.DEFAULT.withLightOnDarkAllowed(true).withColours(Rgb.WHITE, Rgb.parse("#003366"));

        assertThat(allowed.lightOnDark()).isTrue();
    }

    @Test
    void allowing_light_on_dark_does_not_lower_the_contrast_minimum() {
        assertThatThrownBy(() -> Branding.DEFAULT.withLightOnDarkAllowed(true)
                .withColours(Rgb.parse("#aaaaaa"), Rgb.parse("#555555")))
                .extracting(e -> ((QrException) e).reason()).isEqualTo(QrException.Reason.INSUFFICIENT_CONTRAST);
    }

    @Test
    void quiet_zone_and_sizes_are_bounded() {
        assertThatThrownBy(() -> Branding.DEFAULT.withQuietZone(17))
                .hasMessage("QR quiet zone: expected 0..16 modules, got 17");
        assertThatThrownBy(() -> ModuleSize.pixels(0)).hasMessage("QR module size: expected 1..64 pixels, got 0");
        assertThatThrownBy(() -> ModuleSize.fit(4097))
                .hasMessage("QR image size: expected 21..4096 pixels, got 4097");
    }

    @Test
    void the_pdf_refuses_a_print_size_below_the_close_scanning_minimum() {
        assertThatThrownBy(() -> new PdfLayout(57.5, java.util.Optional.empty()))
                .isInstanceOf(QrException.class)
                .hasMessageStartingWith("QR print size: expected 57.6..720.0 points");
        assertThat(new PdfLayout(PdfLayout.MIN_SYMBOL_POINTS, java.util.Optional.empty()).symbolPoints())
                .isEqualTo(57.6);
    }
}
