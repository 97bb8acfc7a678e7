package io.gatehouse.server.ops;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * Swagger UI for {@code /api/openapi.json} at {@code /api/docs}, from the swagger-ui WebJar. The page loads only
 * files from this server (no inline script: the initializer is a file of its own), under a content security policy
 * that allows nothing else. Swagger UI sets inline styles, so this page alone allows those.
 */
public final class ApiDocsController {
    public static final String PATH = "/api/docs";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The files of the WebJar the page needs, and their media types; nothing else of the jar is served. */
    private static final Map<String, String> WEBJAR_FILES = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png");

    private final String webjarRoot = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    private final byte[] page = resource("/api-docs/index.html");
    private final byte[] initializer = resource("/api-docs/init.js");

    public void register(Routes routes) {
        routes.get(PATH, ctx -> send(ctx, "text/html; charset=utf-8", page))
                .get(PATH + "/init.js", ctx -> send(ctx, "text/javascript; charset=utf-8", initializer))
                .get(PATH + "/{file}", this::webjarFile);
    }

    private void webjarFile(Context ctx) {
        String file = ctx.pathParam("file");
        String type = WEBJAR_FILES.get(file);
        if (type == null) {
            throw io.gatehouse.server.common.GatehouseException.notFound("not_found", "no file '" + file + "' under "
                    + PATH);
        }
        ctx.header("Cache-Control", "public, max-age=86400");
        send(ctx, type, resource(webjarRoot + file));
    }

    private static void send(Context ctx, String type, byte[] body) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.contentType(type).result(body);
    }

    private static String webjarVersion() {
        Properties properties = new Properties();
        try (InputStream in = ApiDocsController.class.getResourceAsStream(
                "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui WebJar is missing from the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiDocsController.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
