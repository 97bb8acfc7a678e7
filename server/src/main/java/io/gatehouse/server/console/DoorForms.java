package io.gatehouse.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.access.SiteAdmin;
import io.gatehouse.server.access.SiteEdits;
import io.gatehouse.server.common.Json;
import java.util.List;

/**
 * The Doors section's forms ({@link ConsoleForm}), read into the same requests the API binds its JSON to, so that
 * both are checked by the same records. An empty text field is "not given"; a door's settings form holds every setting, so an unticked box
 * is false.
 */
final class DoorForms {
    /** The rows of the schedule editor a form may hold. */
    static final int MAX_WINDOWS = 32;

    private DoorForms() {
    }

    static SiteAdmin.NewSite newSite(ConsoleForm form) {
        return new SiteAdmin.NewSite(text(form, "name"), text(form, "timeZone"));
    }

    static SiteEdits.SitePatch sitePatch(ConsoleForm form) {
        return new SiteEdits.SitePatch(text(form, "name"), text(form, "timeZone"));
    }

    static SiteAdmin.NewZone newZone(ConsoleForm form) {
        return new SiteAdmin.NewZone(text(form, "siteId"), text(form, "name"));
    }

    static SiteEdits.ZonePatch zonePatch(ConsoleForm form) {
        return new SiteEdits.ZonePatch(text(form, "name"));
    }

    static SiteAdmin.NewDoor newDoor(ConsoleForm form) {
        return new SiteAdmin.NewDoor(text(form, "zoneId"), text(form, "name"), null, null, null, null, null, null,
                null, null);
    }

    static SiteEdits.DoorPatch doorPatch(ConsoleForm form) {
        return new SiteEdits.DoorPatch(text(form, "zoneId"), text(form, "name"), number(form, "proofLifetimeSeconds"),
                number(form, "allowedSkewSeconds"), checked(form, "requireUserVerification"),
                text(form, "minimumDeviceTrust"), text(form, "offlineMode"), number(form, "maxBundleAgeSeconds"),
                checked(form, "requireBoundPass"), checked(form, "requireUserVerificationWhenFlagged"));
    }

    /** A rule for a role or for a user: the form's {@code grantee} says which field it names. */
    static SiteAdmin.NewRule newRule(ConsoleForm form) {
        boolean byUser = "user".equals(text(form, "grantee"));
        JsonNode schedule = schedule(form);
        return new SiteAdmin.NewRule(text(form, "zoneId"), byUser ? null : text(form, "role"),
                byUser ? text(form, "userId") : null, schedule.isEmpty() ? null : schedule);
    }

    static SiteEdits.RulePatch rulePatch(ConsoleForm form) {
        JsonNode schedule = schedule(form);
        return new SiteEdits.RulePatch(schedule.isEmpty() ? NullNode.getInstance() : schedule);
    }

    static Readers.NewReader newReader(ConsoleForm form) {
        return new Readers.NewReader(text(form, "doorId"), text(form, "name"));
    }

    static Readers.ReaderPatch readerPatch(ConsoleForm form) {
        return new Readers.ReaderPatch(text(form, "name"));
    }

    /** A text field as given, or null. */
    static String field(ConsoleForm form, String name) {
        return text(form, name);
    }

    static boolean checked(ConsoleForm form, String name) {
        return form.checked(name);
    }

    /**
     * The schedule editor's rows ({@code days-N}, {@code from-N}, {@code to-N}) as the API's schedule; a row with no
     * day and no time is an unused row. No row at all is "always".
     */
    private static ArrayNode schedule(ConsoleForm form) {
        ArrayNode windows = Json.MAPPER.createArrayNode();
        for (int row = 0; row < MAX_WINDOWS; row++) {
            List<String> days = form.all("days-" + row);
            String from = text(form, "from-" + row);
            String to = text(form, "to-" + row);
            if (days.isEmpty() && from == null && to == null) {
                continue;
            }
            ObjectNode window = windows.addObject();
            ArrayNode dayList = window.putArray("days");
            days.forEach(dayList::add);
            window.put("from", from);
            window.put("to", to);
        }
        return windows;
    }

    private static String text(ConsoleForm form, String name) {
        String value = form.text(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Integer number(ConsoleForm form, String name) {
        return form.number(name);
    }
}
