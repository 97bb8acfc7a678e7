package io.gatehouse.server.codes;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.qr.SvgRaster;
import io.gatehouse.server.auth.ApiTokens;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.EdgeFilters;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.testing.CodeImageDecoder;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.ExternalTool;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Code images and the logo over real HTTP. The logo routes are the running server's own; the image routes are this
 * test's {@link CodeImageController} over the same database and tokens, with a map for {@link CodeUrls} (until the
 * managed codes implement it, the server's own finds no code, which the last test shows).
 */
@DatabaseTest
class CodeImagesApiTest {
    static final String CODE_ID = "code_1";

    @TempDir
    Path data;
    TestServer server;
    Javalin images;
    String url;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        url = server.gatehouse().baseUrl() + "/q/Zt3vW8xY1qR5sN0mK7jH2gF4dSa";
        Map<String, String> codes = Map.of(CODE_ID, url);
        images = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
        });
        ProblemMapper.install(images);
        EdgeFilters.install(images);
        var services = server.gatehouse().services();
        new CodeImageController(new Routes(images), id -> Optional.ofNullable(codes.get(id)),
                new CodeImages(services.core().database(), services.core().audit(), server.clock()),
                new Authenticator(services.auth().tokens()));
        images.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        images.stop();
        server.close();
    }

    @Test
    void grey_777777_on_white_is_refused_with_a_problem_naming_both_colours_and_the_ratio() {
        HttpResult refused = image("/api/v1/codes/" + CODE_ID + "/image.png?fg=777777&bg=ffffff");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("insufficient_contrast");
        assertThat(refused.json().get("detail").asText()).isEqualTo("foreground #777777 on background #ffffff has a"
                + " contrast ratio of 4.48:1 (4.478), below the minimum of 4.5:1 that WCAG 2 sets and scanning needs");
        assertThat(refused.json().get("contrastRatio").asDouble()).isEqualTo(4.48);
        assertThat(refused.json().get("foreground").asText()).isEqualTo("#777777");
        assertThat(refused.json().get("background").asText()).isEqualTo("#ffffff");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"png", "svg", "pdf"})
    void the_same_code_refused_in_every_format(String format) {
        HttpResult refused = image("/api/v1/codes/" + CODE_ID + "/image." + format + "?fg=777777&bg=ffffff");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asText()).contains("#777777", "#ffffff", "4.48:1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"png", "svg", "pdf"})
    void grey_767676_renders_in_every_format_and_zbarimg_decodes_the_code_url(String format) throws IOException {
        HttpResult answer = image("/api/v1/codes/" + CODE_ID + "/image." + format + "?fg=767676&bg=ffffff");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo(switch (format) {
            case "png" -> "image/png";
            case "svg" -> "image/svg+xml";
            default -> "application/pdf";
        });
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(zbarimg(format, answer.bytes())).isEqualTo(url);
    }

    @Test
    void the_pdf_states_the_smallest_print_size_and_prints_the_caption() throws IOException {
        HttpResult pdf = image("/api/v1/codes/" + CODE_ID + "/image.pdf?size=58&caption=Main%20entrance");

        try (PDDocument document = Loader.loadPDF(pdf.bytes())) {
            String text = new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
            assertThat(text).contains("Main entrance", "Smallest print size for close scanning: 0.8 \u00d7 0.8 inch");
        }
        assertThat(image("/api/v1/codes/" + CODE_ID + "/image.pdf?size=57").status()).isEqualTo(400);
    }

    @Test
    void light_on_dark_needs_to_be_asked_for() throws IOException {
        HttpResult refused = image("/api/v1/codes/" + CODE_ID + "/image.png?fg=ffffff&bg=1b2a4a");
        HttpResult allowed = image("/api/v1/codes/" + CODE_ID + "/image.png?fg=ffffff&bg=1b2a4a&lightOnDark=true");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("light_on_dark");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(ImageIO.read(new java.io.ByteArrayInputStream(allowed.bytes())).getRGB(0, 0) & 0xFFFFFF)
                .isEqualTo(0x1b2a4a);
    }

    @Test
    void colours_may_carry_a_leading_hash_and_sizes_are_honoured() throws IOException {
        HttpResult answer = image("/api/v1/codes/" + CODE_ID + "/image.png?fg=%231B2A4A&bg=%23fff8e7&size=300"
                + "&margin=2&ec=q");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        BufferedImage png = ImageIO.read(new java.io.ByteArrayInputStream(answer.bytes()));
        assertThat(png.getWidth()).isEqualTo(300);
        assertThat(zbarimg("png", answer.bytes())).isEqualTo(url);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fg=77777", "bg=red", "size=20", "scale=65", "size=300&scale=4", "margin=17", "ec=X",
        "logo=yes", "caption=x"})
    void out_of_range_parameters_are_refused(String query) {
        HttpResult refused = image("/api/v1/codes/" + CODE_ID + "/image.png?" + query);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_parameter");
    }

    @Test
    void an_unknown_code_is_not_found() {
        HttpResult missing = image("/api/v1/codes/nope/image.svg");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("code").asText()).isEqualTo("code_not_found");
    }

    @Test
    void images_need_codes_read_and_the_logo_codes_write() {
        String verify = token(Scope.VERIFY);
        String reader = token(Scope.CODES_READ);
        String writer = token(Scope.CODES_WRITE);
        String path = "/api/v1/codes/" + CODE_ID + "/image.png";

        assertThat(server.send(request(path), null).status()).isEqualTo(401);
        assertThat(server.send(request(path), verify).json().get("requiredPermission").asText())
                .isEqualTo("codes_read");
        assertThat(server.send(request(path), reader).status()).isEqualTo(200);
        assertThat(server.send(request(path), writer).status()).isEqualTo(200);
        assertThat(putLogo(png(TestLogo.draw(200, 100)), reader).json().get("requiredPermission").asText())
                .isEqualTo("codes_write");
        assertThat(putLogo(png(TestLogo.draw(200, 100)), writer).status()).isEqualTo(200);
    }

    @Test
    void an_uploaded_logo_is_placed_in_codes_that_zbarimg_still_decodes_at_several_sizes() throws IOException {
        HttpResult stored = putLogo(png(TestLogo.draw(320, 160)), server.adminToken());

        assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
        assertThat(stored.json().get("width").asInt()).isEqualTo(320);
        assertThat(stored.json().get("height").asInt()).isEqualTo(160);
        for (String size : new String[] {"scale=3", "scale=6", "size=600", "size=1200"}) {
            HttpResult answer = image("/api/v1/codes/" + CODE_ID + "/image.png?logo=true&fg=1b2a4a&" + size);
            assertThat(answer.status()).as(size + ": " + answer).isEqualTo(200);
            assertThat(zbarimg("png", answer.bytes())).as(size).isEqualTo(url);
        }
        for (String format : new String[] {"svg", "pdf"}) {
            HttpResult answer = image("/api/v1/codes/" + CODE_ID + "/image." + format + "?logo=true");
            assertThat(zbarimg(format, answer.bytes())).as(format).isEqualTo(url);
        }
        server.sealAudit();
        assertThat(server.get("/api/v1/audit?action=codes.logo.put").text()).contains("codes.logo.put");
    }

    @Test
    void the_logo_can_be_removed_and_is_then_missing() {
        putLogo(png(TestLogo.draw(64, 64)), server.adminToken());

        assertThat(server.delete(CodeImageController.LOGO_PATH).status()).isEqualTo(204);
        assertThat(server.delete(CodeImageController.LOGO_PATH).json().get("code").asText()).isEqualTo("no_logo");
        HttpResult withoutLogo = image("/api/v1/codes/" + CODE_ID + "/image.png?logo=true");
        assertThat(withoutLogo.status()).isEqualTo(409);
        assertThat(withoutLogo.json().get("code").asText()).isEqualTo("no_logo");
    }

    @Test
    void logo_uploads_are_bounded_in_size_type_and_dimensions() {
        BufferedImage noise = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(7);
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 400; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        byte[] tooLarge = png(noise);
        assertThat(tooLarge.length).isGreaterThan(CodeImages.MAX_LOGO_BYTES);

        assertThat(putLogo(tooLarge, server.adminToken()).status()).isEqualTo(413);
        HttpResult wrongType = server.send(HttpRequest.newBuilder(server.uri(CodeImageController.LOGO_PATH))
                .header("Content-Type", "image/jpeg").PUT(HttpRequest.BodyPublishers.ofByteArray(
                        png(TestLogo.draw(64, 64)))), server.adminToken());
        assertThat(wrongType.status()).isEqualTo(415);
        HttpResult notAnImage = putLogo("not a png".getBytes(StandardCharsets.US_ASCII), server.adminToken());
        assertThat(notAnImage.status()).isEqualTo(400);
        assertThat(notAnImage.json().get("code").asText()).isEqualTo("invalid_logo");
        HttpResult tooWide = putLogo(png(TestLogo.draw(1100, 40)), server.adminToken());
        assertThat(tooWide.json().get("detail").asText())
                .isEqualTo("the logo: expected a width and height of 16..1024 pixels, got 1100x40");
    }

    @Test
    void the_server_finds_no_code_until_managed_codes_are_wired_in() {
        HttpResult missing = server.get("/api/v1/codes/" + CODE_ID + "/image.png");

        assertThat(missing.status()).isEqualTo(404);
    }

    private HttpResult image(String path) {
        return server.send(request(path), server.adminToken());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + images.port() + path)).GET();
    }

    private HttpResult putLogo(byte[] body, String token) {
        return server.send(HttpRequest.newBuilder(server.uri(CodeImageController.LOGO_PATH))
                .header("Content-Type", "image/png").PUT(HttpRequest.BodyPublishers.ofByteArray(body)), token);
    }

    private String token(Scope scope) {
        ApiTokens.Created created = server.gatehouse().services().auth().tokens().create(scope.code(),
                EnumSet.of(scope), "test", ClientInfo.local("test"));
        return created.token();
    }

    private String zbarimg(String format, byte[] bytes) {
        return CodeImageDecoder.decode(format, bytes, data);
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A logo with colour, strokes and transparency. */
    static final class TestLogo {
        static BufferedImage draw(int width, int height) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
            Graphics2D graphics = image.createGraphics();
            graphics.setColor(new Color(0xC0, 0x20, 0x20));
            graphics.fillOval(0, 0, Math.min(width, height), Math.min(width, height));
            graphics.setColor(new Color(0x10, 0x30, 0x90));
            graphics.fillRect(width / 2, height / 4, width / 2, height / 2);
            graphics.dispose();
            return image;
        }
    }
}
