package io.gatehouse.qr;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Logos drawn for tests: busy enough (strokes, colours, transparency) to disturb a decoder that sees them. */
final class TestLogos {

    private TestLogos() {
    }

    /** A wide logo: a dark disc, a red bar and stripes on a transparent ground. */
    static BufferedImage wide(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setColor(new Color(0x10, 0x20, 0x40));
            graphics.fillOval(0, 0, height, height);
            graphics.setColor(new Color(0xCC, 0x22, 0x22));
            graphics.fillRect(height, height / 3, width - height, height / 3);
            graphics.setColor(Color.BLACK);
            graphics.setStroke(new BasicStroke(Math.max(1, height / 20f)));
            for (int x = 0; x < width; x += Math.max(4, width / 12)) {
                graphics.drawLine(x, 0, x + height / 2, height);
            }
        } finally {
            graphics.dispose();
        }
        return image;
    }

    static Logo logo() {
        return Logo.of(wide(240, 120));
    }
}
