package io.gatehouse.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.access.SiteAdmin;
import io.gatehouse.server.access.SiteEdits;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.http.Forms;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * The Doors section's forms, read into the same requests the API binds its JSON to, so that both are checked by the
 * same records. An empty text field is "not given"; a door's settings form holds every setting, so an unticked box
 * is false.
 */
final class DoorForms {
    /** The rows of the schedule editor a form may hold. */
    static final int MAX_WINDOWS = 32;

    private final int maxBody;

    DoorForms(int maxBody) {
        this.maxBody = maxBody;
    }

    SiteAdmin.NewSite newSite(Context ctx) {
        return new SiteAdmin.NewSite(text(ctx, "name"), text(ctx, "timeZone"));
    }

    SiteEdits.SitePatch sitePatch(Context ctx) {
        return new SiteEdits.SitePatch(text(ctx, "name"), text(ctx, "timeZone"));
    }

    SiteAdmin.NewZone newZone(Context ctx) {
        return new SiteAdmin.NewZone(text(ctx, "siteId"), text(ctx, "name"));
    }

    SiteEdits.ZonePatch zonePatch(Context ctx) {
        return new SiteEdits.ZonePatch(text(ctx, "name"));
    }

    SiteAdmin.NewDoor newDoor(Context ctx) {
        return new SiteAdmin.NewDoor(text(ctx, "zoneId"), text(ctx, "name"), null, null, null, null, null, null);
    }

    SiteEdits.DoorPatch doorPatch(Context ctx) {
        return new SiteEdits.DoorPatch(text(ctx, "zoneId"), text(ctx, "name"), number(ctx, "proofLifetimeSeconds"),
                number(ctx, "allowedSkewSeconds"), checked(ctx, "requireUserVerification"),
                text(ctx, "minimumDeviceTrust"), text(ctx, "offlineMode"), number(ctx, "maxBundleAgeSeconds"));
    }

    /** A rule for a role or for a user: the form's {@code grantee} says which field it names. */
    SiteAdmin.NewRule newRule(Context ctx) {
        boolean byUser = "user".equals(text(ctx, "grantee"));
        JsonNode schedule = schedule(ctx);
        return new SiteAdmin.NewRule(text(ctx, "zoneId"), byUser ? null : text(ctx, "role"),
                byUser ? text(ctx, "userId") : null, schedule.isEmpty() ? null : schedule);
    }

    SiteEdits.RulePatch rulePatch(Context ctx) {
        JsonNode schedule = schedule(ctx);
        return new SiteEdits.RulePatch(schedule.isEmpty() ? NullNode.getInstance() : schedule);
    }

    Readers.NewReader newReader(Context ctx) {
        return new Readers.NewReader(text(ctx, "doorId"), text(ctx, "name"));
    }

    Readers.ReaderPatch readerPatch(Context ctx) {
        return new Readers.ReaderPatch(text(ctx, "name"));
    }

    /** A text field as given, or null. */
    String field(Context ctx, String name) {
        return text(ctx, name);
    }

    boolean checked(Context ctx, String name) {
        return "on".equals(text(ctx, name)) || "true".equals(text(ctx, name));
    }

    /**
     * The schedule editor's rows ({@code days-N}, {@code from-N}, {@code to-N}) as the API's schedule; a row with no
     * day and no time is an unused row. No row at all is "always".
     */
    private ArrayNode schedule(Context ctx) {
        Map<String, List<String>> form = Forms.all(ctx, maxBody);
        ArrayNode windows = Json.MAPPER.createArrayNode();
        for (int row = 0; row < MAX_WINDOWS; row++) {
            List<String> days = form.getOrDefault("days-" + row, List.of());
            String from = text(ctx, "from-" + row);
            String to = text(ctx, "to-" + row);
            if (days.isEmpty() && from == null && to == null) {
                continue;
            }
            var window = windows.addObject();
            ArrayNode dayList = window.putArray("days");
            days.forEach(dayList::add);
            window.put("from", from);
            window.put("to", to);
        }
        return windows;
    }

    private String text(Context ctx, String name) {
        String value = Forms.field(ctx, maxBody, name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private Integer number(Context ctx, String name) {
        String value = text(ctx, name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw GatehouseException.invalidField(name, "a whole number", "'" + value + "'");
        }
    }
}
