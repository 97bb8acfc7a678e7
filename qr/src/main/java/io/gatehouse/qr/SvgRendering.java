package io.gatehouse.qr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Base64;

/**
 * Writes a symbol as an SVG document: a background square, one path of a rectangle per run of drawn modules and,
 * with a logo, the logo as an embedded PNG. The {@code viewBox} is in modules; {@code width} and {@code height} give
 * the size the branding asks for. No DOCTYPE, no external references, ASCII only.
 */
final class SvgRendering {

    private SvgRendering() {
    }

    static String write(Symbol symbol, Branding branding) {
        int quiet = branding.quietZone();
        int side = symbol.size() + 2 * quiet;
        int pixels = switch (branding.moduleSize()) {
            case ModuleSize.Pixels modulePixels -> side * modulePixels.pixels();
            case ModuleSize.Fit fit -> fit.imagePixels();
        };
        StringBuilder svg = new StringBuilder(512 + symbol.size() * symbol.size() * 3);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 ")
                .append(side).append(' ').append(side).append("\" width=\"").append(pixels)
                .append("\" height=\"").append(pixels).append("\" shape-rendering=\"crispEdges\">\n")
                .append("<rect width=\"").append(side).append("\" height=\"").append(side)
                .append("\" fill=\"").append(branding.background().hex()).append("\"/>\n")
                .append("<path fill=\"").append(branding.foreground().hex()).append("\" d=\"");
        symbol.forEachRun((x, y, length) -> svg.append('M').append(x + quiet).append(',').append(y + quiet)
                .append('h').append(length).append("v1h-").append(length).append('z'));
        svg.append("\"/>\n");
        branding.logo().ifPresent(logo -> symbol.logoBox(logo).ifPresent(box -> svg
                .append("<image x=\"").append(number(box[0] + quiet)).append("\" y=\"").append(number(box[1] + quiet))
                .append("\" width=\"").append(number(box[2])).append("\" height=\"").append(number(box[3]))
                .append("\" preserveAspectRatio=\"xMidYMid meet\" href=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(logo.png())).append("\"/>\n")));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String number(double value) {
        return new BigDecimal(value).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
