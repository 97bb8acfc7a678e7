package io.gatehouse.server.console;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.codes.CodeState;
import io.gatehouse.server.codes.ManagedCode;
import io.gatehouse.server.codes.ManagedCodes;
import io.gatehouse.server.codes.Purpose;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Instants;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /console/codes}: managed QR codes (URL codes and the codes of enrollment and provisioning links) with
 * their state, uses and expiry; a form for new URL codes; and each code's page with its changes and its scan
 * analytics. It calls the same {@link ManagedCodes} as {@code /api/v1/codes}.
 */
public final class CodesPages {
    static final String PATH = "/console/codes";
    private static final List<String> FILTERS = List.of("state", "purpose");
    /** The notices a redirect may name: fixed texts, so that no request can make the page say anything else. */
    private static final Map<String, String> NOTICES = Map.of("created", "The code was created.", "edited",
            "The code was changed.", "disabled", "The code is disabled: it answers as not valid until enabled.",
            "enabled", "The code is enabled again.", "revoked", "The code is revoked: it no longer leads anywhere.");

    private final ManagedCodes codes;
    private final int maxBody;

    public CodesPages(ManagedCodes codes, int maxBody) {
        this.codes = codes;
        this.maxBody = maxBody;
    }

    /** A code as the list and its page show it. */
    public record Row(String id, String purpose, String state, String label, String target, String url,
            String expiresAt, String uses, long scans, String endReason, String createdBy, String createdAt,
            boolean pausable, boolean editable, boolean retargetable) {
        static Row of(ManagedCodes.Listed listed) {
            ManagedCode code = listed.code();
            boolean open = !listed.state().terminal();
            boolean url = code.purpose() == Purpose.URL;
            return new Row(code.id(), code.purpose().code(), listed.state().code(), code.label(), code.target(),
                    listed.url().orElse(null), code.expiresAt() == null ? null : code.expiresAt().toString(),
                    code.maxUses() == null ? String.valueOf(code.uses()) : code.uses() + " of " + code.maxUses(),
                    code.scans(), code.endReason(), code.createdBy(), code.createdAt().toString(),
                    open && (url || code.purpose() == Purpose.VISITOR_PASS), open, open && url);
        }

        /** The label, else what the code leads to. */
        public String name() {
            return label != null ? label : target != null ? target : purpose.replace('_', ' ');
        }

        public boolean disabled() {
            return CodeState.DISABLED.code().equals(state);
        }

        /** The expiry as a date-time field shows it (UTC, minutes). */
        public String expiryField() {
            return expiresAt == null ? "" : expiresAt.substring(0, Math.min(16, expiresAt.length()));
        }

        public String maxUsesField() {
            int of = uses.indexOf(" of ");
            return of < 0 ? "" : uses.substring(of + 4);
        }
    }

    /** What the create form shows: empty at first, what was typed after a refusal. */
    public record Draft(String target, String label, String expiresAt, String maxUses) {
        static final Draft EMPTY = new Draft("", "", "", "");
    }

    /** A code's page: the code, its analytics, and the JSON its charts read. */
    public record Detail(Row code, ManagedCodes.Summary summary) {
        /** One interval as its chart reads it. */
        record Day(String start, long total, long redirected) {
        }

        public String json(Object figure) {
            return Json.write(figure);
        }

        /** The counts over time as their chart reads them, the instants as text. */
        public String daysJson() {
            return Json.write(summary.overTime().stream().map(bucket -> new Day(bucket.start().toString(),
                    bucket.total(), bucket.redirected())).toList());
        }

        public List<Map.Entry<String, Long>> entries(Map<String, Long> counts) {
            return List.copyOf(counts.entrySet());
        }
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, PATH, this::list)
                .page(HandlerType.POST, PATH, this::create)
                .page(HandlerType.GET, PATH + "/{id}", this::detail)
                .page(HandlerType.POST, PATH + "/{id}/edit", this::edit)
                .page(HandlerType.POST, PATH + "/{id}/disable", ctx -> change(ctx, codes::disable, "disabled"))
                .page(HandlerType.POST, PATH + "/{id}/enable", ctx -> change(ctx, codes::enable, "enabled"))
                .page(HandlerType.POST, PATH + "/{id}/revoke", ctx -> change(ctx, codes::revoke, "revoked"));
    }

    private void list(Context ctx) {
        ConsoleAccess.require(ctx, Permission.CODES_READ);
        String done = ctx.queryParam("done");
        renderList(ctx, 200, done == null ? null : NOTICES.get(done), null, Draft.EMPTY);
    }

    private void create(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.CODES_WRITE);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        Draft draft = new Draft(orEmpty(form.text("target")), orEmpty(form.text("label")),
                orEmpty(form.text("expiresAt")), orEmpty(form.text("maxUses")));
        ManagedCodes.Issued issued;
        try {
            issued = codes.create(new ManagedCodes.NewCode(form.required("target"), blankless(form.text("label")),
                    expiry(form.text("expiresAt")), Optional.ofNullable(form.number("maxUses"))), by,
                    Requests.client(ctx));
        } catch (GatehouseException refused) {
            ProblemMapper.rethrowFaults(refused);
            // Shown with the form as it was typed, so that one wrong field does not cost the others.
            renderList(ctx, ProblemMapper.status(refused), null, refused.detail(), draft);
            return;
        }
        ConsoleAccess.redirect(ctx, PATH + "/" + encode(issued.id()) + "?done=created");
    }

    private void detail(Context ctx) {
        ConsoleAccess.require(ctx, Permission.CODES_READ);
        String done = ctx.queryParam("done");
        renderDetail(ctx, 200, ctx.pathParam("id"), done == null ? null : NOTICES.get(done), null);
    }

    private void edit(Context ctx) {
        Principal by = ConsoleAccess.require(ctx, Permission.CODES_WRITE);
        ConsoleForm form = ConsoleForm.of(ctx, maxBody);
        String id = ctx.pathParam("id");
        try {
            String target = blankless(form.text("target")).orElse(null);
            Optional<Instant> expiry = expiry(form.text("expiresAt"));
            Integer maxUses = form.number("maxUses");
            boolean limits = form.text("expiresAt") != null || form.text("maxUses") != null;
            codes.edit(id, new ManagedCodes.Edit(target, blankless(form.text("label")).orElse(null),
                    expiry.orElse(null), limits && expiry.isEmpty(), maxUses, limits && maxUses == null), by,
                    Requests.client(ctx));
        } catch (GatehouseException refused) {
            ProblemMapper.rethrowFaults(refused);
            renderDetail(ctx, ProblemMapper.status(refused), id, null, refused.detail());
            return;
        }
        ConsoleAccess.redirect(ctx, PATH + "/" + encode(id) + "?done=edited");
    }

    private void change(Context ctx, Change change, String done) {
        Principal by = ConsoleAccess.require(ctx, Permission.CODES_WRITE);
        ConsoleForm.of(ctx, maxBody);
        String id = ctx.pathParam("id");
        change.apply(id, by, Requests.client(ctx));
        ConsoleAccess.redirect(ctx, PATH + "/" + encode(id) + "?done=" + done);
    }

    @FunctionalInterface
    private interface Change {
        ManagedCodes.Listed apply(String id, Principal by, io.gatehouse.server.common.ClientInfo client);
    }

    private void renderList(Context ctx, int status, String notice, String error, Draft draft) {
        ConsoleFilters filters = ConsoleFilters.of(ctx::queryParam, FILTERS, List.of());
        Optional<Purpose> purpose = Optional.ofNullable(filters.get("purpose")).map(code -> Purpose.parse(code)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "unknown purpose")));
        Optional<CodeState> state = Optional.ofNullable(filters.get("state")).map(code -> CodeState.parse(code)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "unknown state")));
        Page.Slice<ManagedCodes.Listed> slice = codes.list(purpose, state, Page.of(50, ctx.queryParam("after")));
        Map<String, Object> params = new HashMap<>();
        params.put("rows", slice.items().stream().map(Row::of).toList());
        params.put("next", slice.next() == null ? null : PATH + "?" + filters.query("after", slice.next()));
        params.put("filters", filters);
        params.put("states", Arrays.stream(CodeState.values()).map(CodeState::code).toList());
        params.put("purposes", Arrays.stream(Purpose.values()).map(Purpose::code).toList());
        params.put("draft", draft);
        ConsolePages.render(ctx, status, "codes/list", ConsolePages.chrome(ctx, "codes", "Codes", notice, error),
                params);
    }

    private void renderDetail(Context ctx, int status, String id, String notice, String error) {
        Row row = Row.of(codes.get(id));
        ManagedCodes.Summary summary = codes.summary(id, Optional.empty(), Optional.empty(),
                ManagedCodes.Interval.DAY);
        ConsolePages.render(ctx, status, "codes/detail", ConsolePages.chrome(ctx, "codes", "Code " + row.name(),
                notice, error, "/console/assets/echarts.min.js", "/console/assets/codes.js"),
                Map.of("detail", new Detail(row, summary)));
    }

    /** A date-time field (no offset) read as UTC, as the page says beside it; blank is none. */
    private static Optional<Instant> expiry(String field) {
        Optional<String> value = blankless(field);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get().strip();
        String instant = text.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}") ? text + ":00Z" : text;
        try {
            return Instants.parameter("expiresAt", instant);
        } catch (GatehouseException e) {
            throw GatehouseException.invalidField("expiresAt", "a date and time (UTC)", "'" + text + "'");
        }
    }

    private static Optional<String> blankless(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.strip());
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
