package io.gatehouse.server.oidc;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import java.util.List;

/** A person's provider sessions in the API: where they are signed in to applications, and ending all of it. */
final class ProviderSessionController {
    static final String PATH = "/api/v1/users/{id}/sign-in-sessions";

    private final ProviderSessions sessions;
    private final Authenticator auth;

    ProviderSessionController(ProviderSessions sessions, Authenticator auth) {
        this.sessions = sessions;
        this.auth = auth;
    }

    /** A session as the API shows it: never its secret; {@code level} is what it holds now. */
    record SessionView(String id, List<String> amr, String authTime, String level, String expiresAt) {
    }

    record SessionList(List<SessionView> sessions) {
    }

    record Ended(int ended) {
    }

    void register(Routes routes) {
        routes.get(PATH, ctx -> {
            auth.require(ctx, Permission.USERS_READ);
            ctx.json(new SessionList(sessions.openSessions(ctx.pathParam("id")).stream()
                    .map(session -> new SessionView(session.id(), session.amr(), session.authTime().toString(),
                            sessions.levelNow(session).getValue(),
                            session.expiresAt().toString())).toList()));
        }).delete(PATH, ctx -> {
            Principal by = auth.require(ctx, Permission.CREDENTIALS_REVOKE);
            ctx.json(new Ended(sessions.revokeAll(ctx.pathParam("id"), by.actor(), Requests.client(ctx))));
        });
    }
}
