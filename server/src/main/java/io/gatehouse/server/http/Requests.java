package io.gatehouse.server.http;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Page;
import io.javalin.http.Context;

/** What controllers read from a request besides its body: who sent it and which page of a list it asks for. */
public final class Requests {
    private Requests() {
    }

    /**
     * The client's address and user agent, truncated: the peer's address, or the one a trusted proxy forwarded
     * ({@link ForwardedFor}).
     */
    public static ClientInfo client(Context ctx) {
        String forwarded = ctx.attribute(ForwardedFor.ATTRIBUTE);
        return ClientInfo.of(forwarded != null ? forwarded : ctx.req().getRemoteAddr(), ctx.userAgent());
    }

    /** The paging parameters {@code limit} (1 to 1000, default 100) and {@code after} of a list request. */
    public static Page page(Context ctx) {
        int limit = (int) QueryParams.wholeNumber(ctx, "limit", Page.DEFAULT_LIMIT, 1, Page.MAX_LIMIT);
        return Page.of(limit, ctx.queryParam("after"));
    }
}
