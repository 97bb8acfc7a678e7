package io.gatehouse.server.http;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers handlers and remembers every route, so that a test can hold the OpenAPI document to the routes that
 * really exist.
 */
public final class Routes {
    private final Javalin app;
    private final List<String> registered = new ArrayList<>();

    public Routes(Javalin app) {
        this.app = app;
    }

    public Routes get(String path, Handler handler) {
        return add(HandlerType.GET, path, handler);
    }

    public Routes post(String path, Handler handler) {
        return add(HandlerType.POST, path, handler);
    }

    public Routes put(String path, Handler handler) {
        return add(HandlerType.PUT, path, handler);
    }

    public Routes patch(String path, Handler handler) {
        return add(HandlerType.PATCH, path, handler);
    }

    public Routes delete(String path, Handler handler) {
        return add(HandlerType.DELETE, path, handler);
    }

    /**
     * A console page or form: served like any route, but not listed by {@link #all()}, because the OpenAPI document
     * describes the API, and the console's pages and forms are not part of it.
     */
    public Routes page(HandlerType method, String path, Handler handler) {
        app.addHttpHandler(method, path, handler);
        return this;
    }

    /** Runs {@code handler} before every matching route (and before the 404 of a path no route matches). */
    public Routes before(String path, Handler handler) {
        app.before(path, handler);
        return this;
    }

    private Routes add(HandlerType method, String path, Handler handler) {
        app.addHttpHandler(method, path, handler);
        registered.add(method.name() + " " + path);
        return this;
    }

    /** Every registered route as {@code "METHOD /path/{param}"}. */
    public List<String> all() {
        return List.copyOf(registered);
    }
}
