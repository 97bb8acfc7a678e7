package io.gatehouse.qr;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Rasterises the SVG documents {@link SvgRendering} writes, from the document itself: its {@code viewBox}, filled
 * {@code rect}s, {@code path}s made of {@code M}, {@code h}, {@code v} and {@code z}, and {@code image}s holding a
 * PNG data URI. The JDK has no SVG renderer; this one draws exactly that subset and refuses anything else, so that
 * what is checked is the document that is served, not the matrix it was made from. Public so that tests elsewhere
 * can hand a served SVG to a decoder that reads only raster images.
 */
public final class SvgRaster {

    private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
    private static final Pattern VIEW_BOX = Pattern.compile("0 0 (\\d+) (\\d+)");
    private static final Pattern PATH_TOKEN =
            Pattern.compile("\\s*([MmHhVvZz])\\s*(-?[0-9.]+)?(?:\\s*,\\s*(-?[0-9.]+))?");
    private static final String PNG_DATA = "data:image/png;base64,";

    private SvgRaster() {
    }

    /**
     * Draws {@code svg} at {@code pixelsPerUnit} pixels per {@code viewBox} unit.
     *
     * @param svg a document {@link QrRenderer} wrote; not null
     * @param pixelsPerUnit pixels per module, 1 or more
     * @return the image, transparent where nothing was drawn; never null
     * @throws QrException {@link QrException.Reason#NOT_DECODABLE} for a document outside the subset
     */
    public static BufferedImage rasterise(String svg, int pixelsPerUnit) {
        Element root = parse(svg);
        if (!SVG_NAMESPACE.equals(root.getNamespaceURI()) || !"svg".equals(root.getLocalName())) {
            throw refused("the root element is not an SVG <svg>");
        }
        Matcher viewBox = VIEW_BOX.matcher(root.getAttribute("viewBox"));
        if (!viewBox.matches()) {
            throw refused("the viewBox '" + root.getAttribute("viewBox") + "' is not '0 0 W H'");
        }
        int width = Integer.parseInt(viewBox.group(1)) * pixelsPerUnit;
        int height = Integer.parseInt(viewBox.group(2)) * pixelsPerUnit;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.scale(pixelsPerUnit, pixelsPerUnit);
            for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element) {
                    draw(graphics, element);
                } else if (node.getNodeType() != Node.TEXT_NODE || !node.getTextContent().isBlank()) {
                    throw refused("the document holds a node of type " + node.getNodeType());
                }
            }
        } finally {
            graphics.dispose();
        }
        return image;
    }

    private static void draw(Graphics2D graphics, Element element) {
        switch (element.getLocalName()) {
            case "rect" -> {
                graphics.setColor(fill(element));
                graphics.fill(new Rectangle2D.Double(number(element, "x", 0), number(element, "y", 0),
                        number(element, "width", -1), number(element, "height", -1)));
            }
            case "path" -> {
                graphics.setColor(fill(element));
                graphics.fill(path(element.getAttribute("d")));
            }
            case "image" -> drawImage(graphics, element);
            default -> throw refused("the document holds a <" + element.getLocalName() + "> element");
        }
    }

    private static void drawImage(Graphics2D graphics, Element element) {
        String href = element.getAttribute("href");
        if (!href.startsWith(PNG_DATA)) {
            throw refused("an <image> refers to something other than an embedded PNG");
        }
        BufferedImage png;
        try {
            png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(href.substring(PNG_DATA.length()))));
        } catch (IOException | IllegalArgumentException e) {
            throw refused("an <image> holds an unreadable PNG: " + e.getMessage());
        }
        if (png == null) {
            throw refused("an <image> holds no PNG");
        }
        double x = number(element, "x", 0);
        double y = number(element, "y", 0);
        double width = number(element, "width", -1);
        double height = number(element, "height", -1);
        // preserveAspectRatio="xMidYMid meet": scaled to fit, centred.
        double scale = Math.min(width / png.getWidth(), height / png.getHeight());
        AffineTransform place = new AffineTransform();
        place.translate(x + (width - png.getWidth() * scale) / 2, y + (height - png.getHeight() * scale) / 2);
        place.scale(scale, scale);
        graphics.drawImage(png, place, null);
    }

    private static Path2D path(String d) {
        Path2D.Double path = new Path2D.Double();
        Matcher token = PATH_TOKEN.matcher(d);
        int at = 0;
        while (at < d.length() && token.find(at) && token.start() == at) {
            char command = token.group(1).charAt(0);
            switch (command) {
                case 'M' -> path.moveTo(value(token, 2), value(token, 3));
                case 'h' -> path.lineTo(path.getCurrentPoint().getX() + value(token, 2), path.getCurrentPoint().getY());
                case 'v' -> path.lineTo(path.getCurrentPoint().getX(), path.getCurrentPoint().getY() + value(token, 2));
                case 'z', 'Z' -> path.closePath();
                default -> throw refused("a path uses the command '" + command + "'");
            }
            at = token.end();
        }
        if (at < d.trim().length()) {
            throw refused("a path's data cannot be read from character " + at);
        }
        return path;
    }

    private static double value(Matcher token, int group) {
        String text = token.group(group);
        if (text == null) {
            throw refused("a path command '" + token.group(1) + "' lacks a coordinate");
        }
        return Double.parseDouble(text);
    }

    private static Color fill(Element element) {
        try {
            return new Color(Rgb.parse(element.getAttribute("fill")).toInt());
        } catch (QrException e) {
            throw refused("a <" + element.getLocalName() + "> has the fill '" + element.getAttribute("fill") + "'");
        }
    }

    private static double number(Element element, String attribute, double fallback) {
        String text = element.getAttribute(attribute);
        if (text.isEmpty() && fallback >= 0) {
            return fallback;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw refused("a <" + element.getLocalName() + "> has the " + attribute + " '" + text + "'");
        }
    }

    private static Element parse(String svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg))).getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw refused("the document is not well-formed XML: " + e.getMessage());
        }
    }

    private static QrException refused(String why) {
        return new QrException(QrException.Reason.NOT_DECODABLE, "QR: the rendered SVG cannot be checked: " + why);
    }
}
