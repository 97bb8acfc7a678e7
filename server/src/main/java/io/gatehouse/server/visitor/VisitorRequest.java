package io.gatehouse.server.visitor;

import io.gatehouse.server.common.Fields;
import java.util.List;

/**
 * What a host or administrator posts to invite a visitor. {@code from} and {@code until} are ISO-8601 date-times,
 * with an offset or as local times in the site's time zone; the rest is checked by {@link VisitorPasses#create}.
 */
public record VisitorRequest(String name, String email, List<String> doorIds, List<String> zoneIds, String from,
        String until, Integer maxEntries, String hostUserId, String note) {
    public VisitorRequest {
        Fields.required("name", name, "a string");
        Fields.required("email", email, "a string");
        Fields.required("from", from, "a string");
        Fields.required("until", until, "a string");
        Fields.required("maxEntries", maxEntries, "a number");
        doorIds = Fields.listOrEmpty(doorIds);
        zoneIds = Fields.listOrEmpty(zoneIds);
    }
}
