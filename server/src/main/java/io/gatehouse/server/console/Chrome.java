package io.gatehouse.server.console;

import io.gatehouse.server.auth.Permission;
import java.util.List;
import java.util.Set;

/**
 * What the console's layout shows around a page: which page it is (its {@code data-page}), its title, who is signed
 * in, the CSRF token for forms and htmx, a notice or an error to announce, and the page's own scripts.
 *
 * @param username null on pages shown before sign-in
 * @param openAlerts how many alerts are open, for those who may see alerts (0 for others)
 */
public record Chrome(String page, String title, String username, List<String> roles,
        Set<Permission> permissions, String csrf, String notice, String error, List<String> scripts,
        long openAlerts) {
    public Chrome {
        roles = List.copyOf(roles);
        permissions = Set.copyOf(permissions);
        scripts = List.copyOf(scripts);
    }

    /** Whether the signed-in person may do {@code permission}: pages offer only the actions they may take. */
    public boolean can(Permission permission) {
        return permissions.contains(permission);
    }

    /** The console's sections, in the order of its navigation. */
    public static final List<Section> SECTIONS = List.of(new Section("overview", "Overview", "/console"),
            new Section("people", "People", "/console/people"), new Section("doors", "Doors", "/console/doors"),
            new Section("codes", "Codes", "/console/codes", Permission.CODES_READ),
            new Section("applications", "Applications", "/console/applications", Permission.OIDC_CLIENTS),
            new Section("audit", "Audit", "/console/audit"),
            new Section("alerts", "Alerts", AlertsPages.PATH, Permission.ALERTS),
            new Section("analytics", "Analytics",
                    "/console/analytics"), new Section("settings", "Settings", "/console/settings"));

    /** A section of the navigation; {@code permission} is what a person needs to see it, null for everyone. */
    public record Section(String page, String label, String path, Permission permission) {
        Section(String page, String label, String path) {
            this(page, label, path, null);
        }
    }

    /** The sections this person may open: a link to a page that would answer 403 is no help. */
    public List<Section> sections() {
        return SECTIONS.stream().filter(section -> section.permission() == null || can(section.permission()))
                .toList();
    }

    /** The count the navigation shows beside a section: open alerts beside Alerts, 0 (none shown) elsewhere. */
    public long count(Section section) {
        return "alerts".equals(section.page()) ? openAlerts : 0;
    }

    public boolean signedIn() {
        return username != null;
    }

    public boolean current(Section section) {
        return section.page().equals(page);
    }
}
