package io.gatehouse.server.audit;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Instants;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The filter that the parameters of an audit query give (the API's query string, the console's filter form):
 * {@code userId}, {@code username} or {@code user} (at most one), {@code action}, {@code door}, {@code result},
 * {@code reason}, {@code from} and {@code to}.
 */
public final class AuditQuery {
    private AuditQuery() {
    }

    /**
     * The filter, or empty when it names a username that no user has, so that nothing matches.
     *
     * @param parameters a parameter's value by its name; null when absent
     */
    public static Optional<AuditFilter> filter(Function<String, String> parameters, UserLookup users) {
        Optional<Optional<String>> user = userId(parameters, users);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AuditFilter(user.get(), text(parameters, "action"), text(parameters, "door"),
                text(parameters, "result"), text(parameters, "reason"),
                Instants.parameter("from", parameters.apply("from")), Instants.parameter("to", parameters.apply("to"))));
    }

    private static Optional<String> text(Function<String, String> parameters, String name) {
        return Optional.ofNullable(parameters.apply(name));
    }

    /**
     * {@code userId} is an id and {@code username} a name (compared by its case-folded key); {@code user} is either,
     * told apart by the shape of user ids, which usernames may not take. At most one of the three. Whose records:
     * everyone's (an empty id) or one user's; empty for a username that no user has.
     */
    private static Optional<Optional<String>> userId(Function<String, String> parameters, UserLookup users) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : List.of("userId", "username", "user")) {
            String value = parameters.apply(name);
            if (value != null) {
                given.put(name, value);
            }
        }
        if (given.size() > 1) {
            throw GatehouseException.invalid("invalid_parameter", "give at most one of the query parameters userId,"
                    + " username and user; got " + given.keySet());
        }
        if (given.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        Map.Entry<String, String> parameter = given.entrySet().iterator().next();
        String value = parameter.getValue();
        if (parameter.getKey().equals("userId")
                || parameter.getKey().equals("user") && users.looksLikeUserId(value)) {
            return Optional.of(Optional.of(value));
        }
        return users.idOfUsername(value).map(Optional::of);
    }
}
