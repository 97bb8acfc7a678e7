package io.gatehouse.server.user;

import java.util.Set;

/** A person known to Gatehouse. Names, e-mail and rights live here, never in a QR code. */
public record User(String id, String username, String status, Set<String> roles, long createdAt) {
    public User {
        roles = Set.copyOf(roles);
    }

    public boolean active() {
        return "active".equals(status);
    }
}
