package io.gatehouse.server.http;

import io.javalin.http.Context;

/** Minimal server-rendered pages: escaping, one layout, and the headers every page gets. */
public final class Html {
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
            h1{font-size:1.4rem}code,.mono{font-family:ui-monospace,monospace;word-break:break-all}
            .box{border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:1rem 0}
            img.qr{width:16rem;height:16rem;image-rendering:pixelated}
            input{font-size:1.2rem;padding:.3rem}button{font-size:1.1rem;padding:.3rem 1rem}
            .codes{columns:2;font-family:ui-monospace,monospace;font-size:1.1rem}.warn{color:#9a6700}
            """;

    private Html() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Writes a page. Pages behind secret links must not be cached, framed, or leak their URL through the Referer
     * header, and run no script.
     */
    public static void render(Context ctx, int status, String title, String body) {
        write(ctx, status, title, body, "", "");
    }

    /**
     * Writes a page that runs one script of this server's ({@code scriptPath}), which may call back this server
     * only; no inline script runs, so text injected into the page cannot act.
     */
    public static void renderWithScript(Context ctx, int status, String title, String body, String... scriptPaths) {
        StringBuilder scripts = new StringBuilder();
        for (String path : scriptPaths) {
            scripts.append("<script src=\"").append(escape(path)).append("\" defer></script>");
        }
        write(ctx, status, title, body, "script-src 'self'; connect-src 'self'; ", scripts.toString());
    }

    private static void write(Context ctx, int status, String title, String body, String scriptPolicy,
            String script) {
        noStore(ctx);
        ctx.header("Content-Security-Policy", "default-src 'none'; " + scriptPolicy + "img-src 'self';"
                + " style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.status(status);
        ctx.contentType("text/html; charset=utf-8");
        ctx.result("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"no-referrer\"><title>" + escape(title) + " · Gatehouse</title>"
                + "<style>" + STYLE + "</style>" + script + "</head><body><main><h1>" + escape(title) + "</h1>" + body
                + "</main></body></html>");
    }

    /**
     * True when the request is a browser's for a page: its {@code Accept} names HTML, as a navigation's or a form's
     * always does and an API client's does not.
     */
    public static boolean accepted(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && (accept.contains("text/html") || accept.contains("application/xhtml+xml"));
    }

    /** Headers for any response that carries a secret. */
    public static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
    }
}
