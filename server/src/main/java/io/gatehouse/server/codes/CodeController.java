package io.gatehouse.server.codes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/codes} for administrators, and the public {@code /q/{handle}} that a code's QR image holds. The
 * public answer is the same for every code that does not redirect, known or not (see docs/security.md).
 */
public final class CodeController {
    public static final String PATH = "/q/";
    private static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private final ManagedCodes codes;
    private final Authenticator auth;
    private final int maxBody;

    public CodeController(ManagedCodes codes, Authenticator auth, int maxBody) {
        this.codes = codes;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    /** {@code POST /api/v1/codes}: a URL code; {@code singleUse} is {@code maxUses: 1}. */
    record CreateRequest(String target, String label, String expiresAt, Integer maxUses, Boolean singleUse) {
        CreateRequest {
            Fields.required("target", target, "a string");
            if (Boolean.TRUE.equals(singleUse) && maxUses != null && maxUses != 1) {
                throw GatehouseException.invalidField("maxUses", "1 or absent when singleUse is true",
                        String.valueOf(maxUses));
            }
        }

        ManagedCodes.NewCode command() {
            Integer uses = Boolean.TRUE.equals(singleUse) ? Integer.valueOf(1) : maxUses;
            return new ManagedCodes.NewCode(target, Optional.ofNullable(label), instant("expiresAt", expiresAt),
                    Optional.ofNullable(uses));
        }
    }

    /** {@code PATCH /api/v1/codes/{id}}: absent fields stay; {@code null} removes an expiry or a use limit. */
    record PatchRequest(String target, String label, JsonNode expiresAt, JsonNode maxUses) {
        ManagedCodes.Edit edit() {
            boolean clearExpiry = expiresAt != null && expiresAt.isNull();
            boolean clearMaxUses = maxUses != null && maxUses.isNull();
            Instant expiry = null;
            if (expiresAt != null && !clearExpiry) {
                if (!expiresAt.isTextual()) {
                    throw GatehouseException.invalidField("expiresAt", "an RFC 3339 instant or null",
                            expiresAt.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
                }
                expiry = instant("expiresAt", expiresAt.asText()).orElseThrow();
            }
            Integer uses = null;
            if (maxUses != null && !clearMaxUses) {
                if (!maxUses.isIntegralNumber() || !maxUses.canConvertToInt()) {
                    throw GatehouseException.invalidField("maxUses", "a whole number or null",
                            maxUses.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
                }
                uses = maxUses.intValue();
            }
            return new ManagedCodes.Edit(target, label, expiry, clearExpiry, uses, clearMaxUses);
        }
    }

    record EmptyRequest() {
    }

    /** A code as the API shows it; absent fields have no value (no target for own-purpose codes, no limits). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CodeView(String id, String purpose, String state, String url, String target, String referenceId,
            String label, String expiresAt, Integer maxUses, int uses, Integer remainingUses, long scans,
            String endReason, String createdBy, String createdAt, String updatedAt) {
        static CodeView of(ManagedCodes.Listed listed) {
            ManagedCode code = listed.code();
            return new CodeView(code.id(), code.purpose().code(), listed.state().code(), listed.url().orElse(null),
                    code.target(), code.referenceId(), code.label(), text(code.expiresAt()), code.maxUses(),
                    code.uses(), code.remainingUses().orElse(null), code.scans(), code.endReason(),
                    code.createdBy(), code.createdAt().toString(), code.updatedAt().toString());
        }
    }

    record CodeList(List<CodeView> codes, String next) {
    }

    record BucketView(String start, long total, long redirected) {
    }

    record SummaryView(String codeId, String from, String until, String interval, long total, long redirected,
            long refused, long allTimeTotal, int uses, Map<String, Long> byDeviceType, Map<String, Long> byOs,
            Map<String, Long> byBrowser, Map<String, Long> byCountry, Map<String, Long> byOutcome,
            List<BucketView> overTime) {
        static SummaryView of(ManagedCodes.Summary s) {
            return new SummaryView(s.codeId(), s.from().toString(), s.until().toString(), s.interval().code(),
                    s.total(), s.redirected(), s.refused(), s.allTimeScans(), s.uses(), s.byDeviceType(), s.byOs(),
                    s.byBrowser(), s.byCountry(), s.byOutcome(), s.overTime().stream()
                            .map(b -> new BucketView(b.start().toString(), b.total(), b.redirected())).toList());
        }
    }

    public void register(Routes routes) {
        routes.post("/api/v1/codes", this::create)
                .get("/api/v1/codes", this::list)
                .get("/api/v1/codes/{id}", ctx -> {
                    auth.require(ctx, Permission.CODES_READ);
                    ctx.json(CodeView.of(codes.get(ctx.pathParam("id"))));
                })
                .patch("/api/v1/codes/{id}", ctx -> {
                    Principal by = auth.require(ctx, Permission.CODES_WRITE);
                    PatchRequest patch = Bodies.readPatch(ctx, maxBody, PatchRequest.class);
                    ctx.json(CodeView.of(codes.edit(ctx.pathParam("id"), patch.edit(), by, Requests.client(ctx))));
                })
                .post("/api/v1/codes/{id}/disable", ctx -> change(ctx, codes::disable))
                .post("/api/v1/codes/{id}/enable", ctx -> change(ctx, codes::enable))
                .post("/api/v1/codes/{id}/revoke", ctx -> change(ctx, codes::revoke))
                .get("/api/v1/codes/{id}/scans/summary", this::summary)
                .get(PATH + "{handle}", this::open);
        // Views of the own-purpose links' pages count as scans of their codes; their features serve the pages (a
        // device enrollment link also opens at the passkey page).
        for (Purpose purpose : List.of(Purpose.TOTP_ENROLLMENT, Purpose.DEVICE_ENROLLMENT,
                Purpose.PASSKEY_ENROLLMENT, Purpose.READER_PROVISIONING)) {
            routes.before(purpose.linkPath() + "{token}", ctx -> {
                if (ctx.method() == HandlerType.GET) {
                    codes.recordView(ctx.pathParam("token"), Requests.client(ctx));
                }
            });
        }
    }

    private void create(Context ctx) {
        Principal by = auth.require(ctx, Permission.CODES_WRITE);
        CreateRequest request = Bodies.read(ctx, maxBody, CreateRequest.class);
        ManagedCodes.Issued issued = codes.create(request.command(), by, Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(CodeView.of(codes.get(issued.id())));
    }

    private void list(Context ctx) {
        auth.require(ctx, Permission.CODES_READ);
        Optional<Purpose> purpose = Optional.ofNullable(ctx.queryParam("purpose")).map(code -> Purpose.parse(code)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "query parameter 'purpose' must"
                        + " be one of " + java.util.Arrays.stream(Purpose.values()).map(Purpose::code).toList())));
        Optional<CodeState> state = Optional.ofNullable(ctx.queryParam("state")).map(code -> CodeState.parse(code)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "query parameter 'state' must"
                        + " be one of " + java.util.Arrays.stream(CodeState.values()).map(CodeState::code)
                        .toList())));
        Page.Slice<ManagedCodes.Listed> slice = codes.list(purpose, state, Requests.page(ctx));
        Html.noStore(ctx);
        ctx.json(new CodeList(slice.items().stream().map(CodeView::of).toList(), slice.next()));
    }

    private void summary(Context ctx) {
        auth.require(ctx, Permission.CODES_READ);
        String raw = ctx.queryParam("interval");
        ManagedCodes.Interval interval = raw == null ? ManagedCodes.Interval.DAY : ManagedCodes.Interval.parse(raw)
                .orElseThrow(() -> GatehouseException.invalid("invalid_parameter", "query parameter 'interval' must"
                        + " be hour or day, got '" + io.gatehouse.server.common.Utf8.truncate(raw, 20) + "'"));
        ctx.json(SummaryView.of(codes.summary(ctx.pathParam("id"), QueryParams.instant(ctx, "from"),
                QueryParams.instant(ctx, "until"), interval)));
    }

    private void change(Context ctx, Change change) {
        Principal by = auth.require(ctx, Permission.CODES_WRITE);
        Bodies.readOptional(ctx, maxBody, EmptyRequest.class);
        ctx.json(CodeView.of(change.apply(ctx.pathParam("id"), by, Requests.client(ctx))));
    }

    @FunctionalInterface
    private interface Change {
        ManagedCodes.Listed apply(String id, Principal by, io.gatehouse.server.common.ClientInfo client);
    }

    /** The QR code's URL: a redirect while the code is active; otherwise 410, as a page for browsers. */
    private void open(Context ctx) {
        ManagedCodes.Resolution resolution = codes.resolve(ctx.pathParam("handle"), Requests.client(ctx));
        Html.noStore(ctx);
        if (resolution instanceof ManagedCodes.Resolution.Redirect redirect) {
            ctx.header("Location", redirect.location());
            ctx.status(redirect.seeOther() ? 303 : 302);
            return;
        }
        GatehouseException gone = GatehouseException.gone("code_gone", ManagedCodes.CODE_GONE_DETAIL);
        if (!Html.accepted(ctx)) {
            throw gone;
        }
        StringOutput output = new StringOutput();
        ENGINE.render("codes/gone.jte", new HashMap<>(Map.of("title", "Code not valid", "detail",
                ManagedCodes.CODE_GONE_DETAIL)), output);
        ctx.header("Content-Security-Policy", POLICY);
        ctx.status(410).contentType("text/html; charset=utf-8").result(output.toString());
    }

    private static Optional<Instant> instant(String field, String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(raw, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            throw GatehouseException.invalidField(field, "an RFC 3339 instant such as 2026-01-31T12:00:00Z",
                    "'" + io.gatehouse.server.common.Utf8.truncate(raw, 40) + "'");
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
