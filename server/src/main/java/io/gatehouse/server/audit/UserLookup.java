package io.gatehouse.server.audit;

import java.util.Optional;

/**
 * What the audit query needs to know about users: the user feature answers. It is asked through this interface
 * because every feature, users included, writes audit records, so the audit package cannot depend on any of them.
 */
public interface UserLookup {
    /** True when {@code text} has the shape of a user id rather than of a username. */
    boolean looksLikeUserId(String text);

    /** The id of the user named {@code username} (compared without regard to case); empty when none has it. */
    Optional<String> idOfUsername(String username);
}
