package io.gatehouse.server.console;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.user.UserService;
import io.gatehouse.server.db.Database;
import java.time.Instant;
import java.util.List;

/** The console sessions of a person in the API: to see where they are signed in, and to end all of it. */
public final class ConsoleSessionController {
    private final ConsoleSessions sessions;
    private final UserService users;
    private final Database database;
    private final Authenticator auth;

    public ConsoleSessionController(ConsoleSessions sessions, UserService users, Database database,
            Authenticator auth) {
        this.sessions = sessions;
        this.users = users;
        this.database = database;
        this.auth = auth;
    }

    /** A session as the API shows it; the secret is never shown. */
    record SessionView(String id, String method, String createdAt, String lastSeenAt, String expiresAt,
            String verifiedAt, String clientAddress, String userAgent) {
        static SessionView of(ConsoleSessions.Session session) {
            return new SessionView(session.id(), session.method(), instant(session.createdAt()),
                    instant(session.lastSeenAt()), instant(session.expiresAt()), instant(session.verifiedAt()),
                    session.clientAddress(), session.userAgent());
        }

        private static String instant(long millis) {
            return Instant.ofEpochMilli(millis).toString();
        }
    }

    record SessionList(List<SessionView> sessions) {
    }

    record Ended(int ended) {
    }

    public void register(Routes routes) {
        routes.get("/api/v1/users/{id}/console-sessions", ctx -> {
            auth.require(ctx, Permission.USERS_READ);
            String userId = ctx.pathParam("id");
            database.read(tx -> users.require(tx, userId));
            ctx.json(new SessionList(sessions.openSessions(userId).stream().map(SessionView::of).toList()));
        }).delete("/api/v1/users/{id}/console-sessions", ctx -> {
            Principal by = auth.require(ctx, Permission.CREDENTIALS_REVOKE);
            ctx.json(new Ended(sessions.revokeAll(ctx.pathParam("id"), by, Requests.client(ctx))));
        });
    }
}
