package io.gatehouse.server.codes;

import java.util.Optional;

/** Where a managed code leads: the text its images hold. Implemented by the managed codes themselves. */
@FunctionalInterface
public interface CodeUrls {
    /** The URL (the {@code /q/<handle>} link) of the code {@code codeId}, or empty when there is no such code. */
    Optional<String> urlOf(String codeId);
}
