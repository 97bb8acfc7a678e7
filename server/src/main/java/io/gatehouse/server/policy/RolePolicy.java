package io.gatehouse.server.policy;

/** A role and its policy. */
public record RolePolicy(String role, MfaPolicy policy) {
}
