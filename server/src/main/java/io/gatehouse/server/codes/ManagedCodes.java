package io.gatehouse.server.codes;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.crypto.SecretBox;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.geo.GeoIp;
import io.gatehouse.server.geo.NetworkPrefix;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Managed QR codes: an opaque handle at {@code /q/{handle}} that redirects to an administrator's URL or to one of
 * Gatehouse's own links, can be edited, paused, limited and revoked, and records every scan.
 *
 * <p>A scan is a decision: the use count (one conditional update, so that a limit holds across nodes sharing a
 * database) and the scan row commit together through {@link Database#decide}, and the redirect leaves only once
 * both are durable. Administrators' changes are audited; scans are not (each is a row of its own, kept only for
 * the retention period, and would otherwise flood the audit chain with anonymous traffic).
 */
public final class ManagedCodes implements CodeUrls {
    static final int MAX_LABEL = 100;
    static final int MAX_USES = 1_000_000_000;
    static final String CODE_GONE_DETAIL = "this code is not valid (any more)";

    private final Database database;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final Clock clock;
    private final SecureRandom random;
    private final UserAgents userAgents;
    private final GeoIp geoIp;
    private final Duration scanRetention;
    private final CodeStore codes = new CodeStore();
    private final ScanStore scans = new ScanStore();
    private final Map<Purpose, OwnLink> links = java.util.Collections.synchronizedMap(new EnumMap<>(Purpose.class));
    private volatile UnaryOperator<String> publicUrl;

    public ManagedCodes(Database database, AuditLog audit, SecretBox secrets, Clock clock, SecureRandom random,
            UserAgents userAgents, GeoIp geoIp, Duration scanRetention, UnaryOperator<String> publicUrl) {
        this.database = database;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
        this.random = random;
        this.userAgents = userAgents;
        this.geoIp = geoIp;
        this.scanRetention = scanRetention;
        this.publicUrl = publicUrl;
    }

    /** A code as the API shows it: its row, its state now and, when it may be shown again, its URL. */
    public record Listed(ManagedCode code, CodeState state, Optional<String> url) {
    }

    /** A new code; {@code handle} exists in clear only here (and, sealed, for codes whose URL is shown again). */
    public record Issued(String id, String handle, String url) {
    }

    /** What an administrator asks for. */
    public record NewCode(String target, Optional<String> label, Optional<Instant> expiresAt,
            Optional<Integer> maxUses) {
    }

    /** A change: null parts stay as they are; {@code clearExpiry} and {@code clearMaxUses} remove the limit. */
    public record Edit(String target, String label, Instant expiresAt, boolean clearExpiry, Integer maxUses,
            boolean clearMaxUses) {
    }

    /** What {@code /q/{handle}} answers. */
    public sealed interface Resolution {
        /** Go to {@code location} (absolute); {@code seeOther} for Gatehouse's own pages (303), else 302. */
        record Redirect(String location, boolean seeOther) implements Resolution {
        }

        /** Unknown, revoked, disabled, expired, used up or ended: the same answer for all of them. */
        record Refused() implements Resolution {
        }
    }

    /** Scans of one code in {@code [from, until)}, and its lifetime counters. */
    public record Summary(String codeId, Instant from, Instant until, Interval interval, long total, long redirected,
            long refused, long allTimeScans, int uses, Map<String, Long> byDeviceType, Map<String, Long> byOs,
            Map<String, Long> byBrowser, Map<String, Long> byCountry, Map<String, Long> byOutcome,
            List<Bucket> overTime) {
    }

    /** Scans in the interval starting at {@code start}. */
    public record Bucket(Instant start, long total, long redirected) {
    }

    /** The intervals of a summary's counts over time, in UTC. */
    public enum Interval {
        HOUR(Duration.ofHours(1), Duration.ofDays(2)), DAY(Duration.ofDays(1), Duration.ofDays(30));

        static final int MAX_BUCKETS = 1_000;
        private final Duration length;
        private final Duration defaultPeriod;

        Interval(Duration length, Duration defaultPeriod) {
            this.length = length;
            this.defaultPeriod = defaultPeriod;
        }

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Optional<Interval> parse(String code) {
            return java.util.Arrays.stream(values()).filter(interval -> interval.code().equals(code)).findFirst();
        }
    }

    /** Lets a feature answer for the codes of its own links; see {@link OwnLink}. */
    public void register(Purpose purpose, OwnLink link) {
        if (purpose == Purpose.URL) {
            throw new IllegalArgumentException("URL codes have no feature behind them");
        }
        links.put(purpose, link);
    }

    /** Where the public URLs point, once the server knows its address. */
    public void publishAt(UnaryOperator<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    // --- administrators -------------------------------------------------------------------------------------------

    public Issued create(NewCode request, Principal by, ClientInfo client) {
        String target = Targets.check(request.target());
        Optional<String> label = request.label().map(ManagedCodes::checkLabel);
        Instant now = clock.instant();
        request.expiresAt().ifPresent(at -> checkExpiry(at, now));
        request.maxUses().ifPresent(ManagedCodes::checkMaxUses);
        String id = Ids.newId(random, "qc");
        String handle = Handles.newHandle(random);
        ManagedCode code = new ManagedCode(id, Purpose.URL, target, null, label.orElse(null), CodeState.ACTIVE, null,
                request.expiresAt().orElse(null), request.maxUses().orElse(null), 0, 0, by.actor(), now, now,
                seal(id, handle));
        return database.inTransaction(tx -> {
            codes.insert(tx, code, Handles.hash(handle));
            audit.append(tx, AuditEvent.of(by.actor(), "code.create", client).subject("code:" + id)
                    .detail("purpose", Purpose.URL.code()).detail("target", target).detail("label", code.label())
                    .detail("expiresAt", text(code.expiresAt())).detail("maxUses", code.maxUses()).success());
            return new Issued(id, handle, url(handle));
        });
    }

    public Listed get(String id) {
        return database.read(tx -> listed(tx, require(tx, id)));
    }

    public Page.Slice<Listed> list(Optional<Purpose> purpose, Optional<CodeState> state, Page page) {
        Instant now = clock.instant();
        return database.read(tx -> {
            List<Page.Keyed<ManagedCode>> rows = codes.list(tx, new CodeStore.Filter(purpose, state), page, now);
            Page.Slice<ManagedCode> slice = page.slice(rows);
            // A feature may have ended a link since its row was written: such a code no longer matches 'active'.
            List<Listed> items = slice.items().stream().map(code -> listed(tx, code))
                    .filter(listed -> state.isEmpty() || listed.state() == state.get()).toList();
            return new Page.Slice<>(items, slice.next());
        });
    }

    public Listed edit(String id, Edit edit, Principal by, ClientInfo client) {
        String target = edit.target() == null ? null : Targets.check(edit.target());
        String label = edit.label() == null ? null : checkLabel(edit.label());
        Instant now = clock.instant();
        if (edit.expiresAt() != null) {
            checkExpiry(edit.expiresAt(), now);
        }
        if (edit.maxUses() != null) {
            checkMaxUses(edit.maxUses());
        }
        return database.inTransaction(tx -> {
            ManagedCode code = lockChangeable(tx, id, "edited");
            if (code.purpose() != Purpose.URL && (target != null || edit.expiresAt() != null || edit.clearExpiry()
                    || edit.maxUses() != null || edit.clearMaxUses())) {
                throw GatehouseException.conflict("code_fixed", "code '" + id + "' is a " + code.purpose().code()
                        + " link: its target and limits are its feature's; only its label can change");
            }
            Instant expiresAt = edit.clearExpiry() ? null : edit.expiresAt() != null ? edit.expiresAt()
                    : code.expiresAt();
            Integer maxUses = edit.clearMaxUses() ? null : edit.maxUses() != null ? edit.maxUses() : code.maxUses();
            ManagedCode changed = new ManagedCode(id, code.purpose(), target != null ? target : code.target(),
                    code.referenceId(), label != null ? label : code.label(), code.storedState(), code.endReason(),
                    expiresAt, maxUses, code.uses(), code.scans(), code.createdBy(), code.createdAt(), now,
                    code.handleSealed());
            codes.update(tx, changed);
            AuditEvent.Builder event = AuditEvent.of(by.actor(), "code.edit", client).subject("code:" + id);
            changes(event, code, changed);
            audit.append(tx, event.success());
            return listed(tx, changed);
        });
    }

    public Listed disable(String id, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            ManagedCode code = lockChangeable(tx, id, "disabled");
            if (code.purpose() != Purpose.URL && code.purpose() != Purpose.VISITOR_PASS) {
                throw GatehouseException.conflict("code_not_pausable", "code '" + id + "' is a "
                        + code.purpose().code() + " link, which works without its code too; revoke it to end it");
            }
            if (code.storedState() == CodeState.DISABLED) {
                throw GatehouseException.conflict("code_disabled", "code '" + id + "' is disabled already");
            }
            return changeState(tx, code, CodeState.DISABLED, null, "code.disable", by, client);
        });
    }

    public Listed enable(String id, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            ManagedCode code = lockChangeable(tx, id, "enabled");
            if (code.storedState() != CodeState.DISABLED) {
                throw GatehouseException.conflict("code_not_disabled", "code '" + id + "' is not disabled");
            }
            return changeState(tx, code, CodeState.ACTIVE, null, "code.enable", by, client);
        });
    }

    /** Ends the code for good; an own-purpose code ends its feature's link as well, in the same transaction. */
    public Listed revoke(String id, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            ManagedCode code = lockChangeable(tx, id, "revoked");
            OwnLink link = code.purpose() == Purpose.URL ? null : links.get(code.purpose());
            if (link != null && code.referenceId() != null && link.ended(tx, code.referenceId()).isEmpty()) {
                link.revoke(tx, code.referenceId(), by.actor(), client);
            }
            return changeState(tx, code, CodeState.REVOKED, "revoked", "code.revoke", by, client);
        });
    }

    public Summary summary(String id, Optional<Instant> from, Optional<Instant> until, Interval interval) {
        // By default the period ends with the current interval, so that this hour's or today's scans are in it.
        long length = interval.length.toMillis();
        Instant end = until.orElseGet(() -> Instant.ofEpochMilli(Math.floorDiv(clock.millis(), length) * length
                + length));
        Instant start = from.orElse(end.minus(interval.defaultPeriod));
        if (!start.isBefore(end)) {
            throw GatehouseException.invalid("invalid_parameter", "query parameter 'from' must be before 'until'");
        }
        if (Duration.between(start, end).dividedBy(interval.length) > Interval.MAX_BUCKETS) {
            throw GatehouseException.invalid("invalid_parameter", "a summary by " + interval.code() + " covers at"
                    + " most " + Interval.MAX_BUCKETS + " intervals; choose a shorter period or interval=day");
        }
        long fromMillis = start.toEpochMilli();
        long untilMillis = end.toEpochMilli();
        return database.read(tx -> {
            ManagedCode code = require(tx, id);
            ScanStore.Totals totals = scans.totals(tx, id, fromMillis, untilMillis);
            List<Bucket> overTime = everyInterval(scans.buckets(tx, id, fromMillis, untilMillis,
                    interval.length.toMillis()), fromMillis, untilMillis, interval.length.toMillis());
            return new Summary(id, start, end, interval, totals.total(), totals.counted(),
                    totals.total() - totals.counted(), code.scans(), code.uses(),
                    scans.countsBy(tx, ScanStore.Column.DEVICE_TYPE, id, fromMillis, untilMillis),
                    scans.countsBy(tx, ScanStore.Column.OS_FAMILY, id, fromMillis, untilMillis),
                    scans.countsBy(tx, ScanStore.Column.BROWSER_FAMILY, id, fromMillis, untilMillis),
                    scans.countsBy(tx, ScanStore.Column.COUNTRY, id, fromMillis, untilMillis),
                    scans.countsBy(tx, ScanStore.Column.OUTCOME, id, fromMillis, untilMillis), overTime);
        });
    }

    /** The URL of a code whose handle is kept sealed (URL codes, visitor passes); empty for any other. */
    @Override
    public Optional<String> urlOf(String id) {
        return database.read(tx -> codes.byId(tx, id)).flatMap(code -> handleOf(code).map(this::url));
    }

    // --- the public URL ----------------------------------------------------------------------------------------

    /**
     * Answers one request of {@code /q/{handle}}: looks the code up, counts the use if it may redirect, and records
     * the scan, all before the answer leaves.
     */
    public Resolution resolve(String handle, ClientInfo client) {
        if (!Handles.plausible(handle)) {
            return new Resolution.Refused();
        }
        Optional<Found> found = database.read(tx -> codes.byHandleHash(tx, Handles.hash(handle))
                .map(code -> new Found(code, linkEnd(tx, code))));
        if (found.isEmpty()) {
            // Nothing to attach a scan to; the answer is the same as for a revoked code.
            return new Resolution.Refused();
        }
        ManagedCode code = found.get().code();
        Scan.Seen seen = seen(client);
        return database.decide(tx -> {
            Instant now = clock.instant();
            CodeState before = found.get().linkEnd().isPresent() ? CodeState.ENDED : code.stateAt(now);
            boolean used = before == CodeState.ACTIVE && codes.countUse(tx, code.id(), now);
            String outcome = Scan.REDIRECTED;
            if (!used) {
                codes.countRefusal(tx, code.id());
                // Another request may have taken the last use, or an administrator changed the code, since the read.
                outcome = (before == CodeState.ACTIVE ? codes.byId(tx, code.id()).map(c -> c.stateAt(now))
                        .orElse(CodeState.REVOKED) : before).code();
            }
            scans.insert(tx, seen.scan(code.id(), now, outcome, used));
            if (!used) {
                return new Resolution.Refused();
            }
            return code.purpose() == Purpose.URL ? new Resolution.Redirect(code.target(), false)
                    : new Resolution.Redirect(publicUrl.apply(code.purpose().linkPath() + handle), true);
        });
    }

    /**
     * Records a view of an enrollment or provisioning link's page ({@code token} is the link's secret): counted as a
     * scan of its code, not as a use. Links without a code (issued before codes existed) are not recorded.
     */
    public void recordView(String token, ClientInfo client) {
        if (!Handles.plausible(token)) {
            return;
        }
        Optional<ManagedCode> code = database.read(tx -> codes.byHandleHash(tx, Handles.hash(token)))
                .filter(found -> found.purpose() != Purpose.URL && found.purpose() != Purpose.VISITOR_PASS);
        if (code.isEmpty()) {
            return;
        }
        Scan.Seen seen = seen(client);
        database.decide(tx -> {
            codes.countRefusal(tx, code.get().id());
            scans.insert(tx, seen.scan(code.get().id(), clock.instant(), Scan.VIEWED, false));
            return null;
        });
    }

    // --- other features' codes (SEAMs) -------------------------------------------------------------------------

    /**
     * A new code for one of Gatehouse's own purposes, with a handle of its own, inside the caller's transaction (a
     * visitor pass is created with its code or not at all). Its handle is sealed when its URL may be shown again.
     */
    public Issued issue(Tx tx, Purpose purpose, String referenceId, Optional<Instant> expiresAt, String actor,
            ClientInfo client) {
        if (purpose == Purpose.URL) {
            throw new IllegalArgumentException("URL codes are created with a target");
        }
        String id = Ids.newId(random, "qc");
        String handle = Handles.newHandle(random);
        insertOwn(tx, id, purpose, referenceId, Handles.hash(handle), purpose.shownAgain() ? seal(id, handle) : null,
                expiresAt, actor);
        return new Issued(id, handle, url(handle));
    }

    /**
     * The code of a link a feature issued with its own secret token (enrollment, provisioning): {@code /q/{token}}
     * leads to the link, and the link is listed, tracked and revocable here. Only the token's SHA-256 is kept.
     */
    public String adopt(Tx tx, Purpose purpose, String referenceId, String token, Optional<Instant> expiresAt,
            String actor) {
        String id = Ids.newId(random, "qc");
        insertOwn(tx, id, purpose, referenceId, Handles.hash(token), null, expiresAt, actor);
        return id;
    }

    /** Ends the codes of a feature's link that ended ({@code reason}: used, expired, superseded, …). */
    public void end(Tx tx, Purpose purpose, String referenceId, String reason) {
        codes.endByReference(tx, purpose, referenceId, reason, clock.instant());
    }

    // --- retention -----------------------------------------------------------------------------------------------

    /** Deletes scan details older than the retention period, in short transactions; returns how many. */
    public int purgeScans() {
        long cutoff = clock.instant().minus(scanRetention).toEpochMilli();
        int deleted = 0;
        int batch;
        do {
            batch = database.inTransaction(tx -> scans.deleteBefore(tx, cutoff));
            deleted += batch;
        } while (batch == ScanStore.DELETE_BATCH);
        return deleted;
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Every interval of the period, those without scans as zero: a chart's time axis has no gaps. */
    private static List<Bucket> everyInterval(List<ScanStore.Bucket> found, long from, long until, long length) {
        Map<Long, ScanStore.Bucket> byStart = new java.util.HashMap<>();
        found.forEach(bucket -> byStart.put(bucket.startMillis(), bucket));
        List<Bucket> all = new java.util.ArrayList<>();
        for (long start = Math.floorDiv(from, length) * length; start < until; start += length) {
            ScanStore.Bucket bucket = byStart.get(start);
            all.add(new Bucket(Instant.ofEpochMilli(start), bucket == null ? 0 : bucket.total(),
                    bucket == null ? 0 : bucket.counted()));
        }
        return all;
    }

    private record Found(ManagedCode code, Optional<String> linkEnd) {
    }

    private Scan.Seen seen(ClientInfo client) {
        String address = client == null ? null : client.address();
        return new Scan.Seen(userAgents.classify(client == null ? null : client.userAgent()),
                geoIp.country(address).orElse(null), NetworkPrefix.of(address).orElse(null));
    }

    private void insertOwn(Tx tx, String id, Purpose purpose, String referenceId, byte[] handleHash, byte[] sealed,
            Optional<Instant> expiresAt, String actor) {
        Instant now = clock.instant();
        codes.insert(tx, new ManagedCode(id, purpose, null, referenceId, null, CodeState.ACTIVE, null,
                expiresAt.orElse(null), null, 0, 0, actor, now, now, sealed), handleHash);
    }

    private Listed listed(ReadTx tx, ManagedCode code) {
        Optional<String> ended = linkEnd(tx, code);
        ManagedCode current = ended.map(code::endedBy).orElse(code);
        CodeState state = current.stateAt(clock.instant());
        return new Listed(current, state, state.terminal() ? Optional.empty() : handleOf(current).map(this::url));
    }

    /** Why the feature ended the link of a code whose row is still live; empty otherwise. */
    private Optional<String> linkEnd(ReadTx tx, ManagedCode code) {
        if (code.purpose() == Purpose.URL || code.referenceId() == null || code.storedState().terminal()) {
            return Optional.empty();
        }
        OwnLink link = links.get(code.purpose());
        // A link that ran out of time is as expired as its code, which tells that itself.
        return link == null ? Optional.empty() : link.ended(tx, code.referenceId())
                .filter(reason -> !(reason.equals("expired") && code.expiresAt() != null));
    }

    private Listed changeState(Tx tx, ManagedCode code, CodeState state, String reason, String action, Principal by,
            ClientInfo client) {
        Instant now = clock.instant();
        ManagedCode changed = new ManagedCode(code.id(), code.purpose(), code.target(), code.referenceId(),
                code.label(), state, reason, code.expiresAt(), code.maxUses(), code.uses(), code.scans(),
                code.createdBy(), code.createdAt(), now, code.handleSealed());
        codes.update(tx, changed);
        audit.append(tx, AuditEvent.of(by.actor(), action, client).subject("code:" + code.id())
                .detail("purpose", code.purpose().code()).detail("reference", code.referenceId())
                .detail("from", code.stateAt(now).code()).detail("to", state.code()).success());
        return listed(tx, changed);
    }

    private ManagedCode require(ReadTx tx, String id) {
        return codes.byId(tx, id).orElseThrow(() -> notFound(id));
    }

    private ManagedCode lockChangeable(Tx tx, String id, String change) {
        ManagedCode code = codes.lock(tx, id).orElseThrow(() -> notFound(id));
        Optional<String> ended = linkEnd(tx, code);
        CodeState state = ended.isPresent() ? CodeState.ENDED : code.storedState();
        if (state.terminal()) {
            throw GatehouseException.conflict("code_" + state.code(), "code '" + id + "' is " + state.code()
                    + (ended.isPresent() ? " (" + ended.get() + ")" : "") + " and cannot be " + change);
        }
        return code;
    }

    private static GatehouseException notFound(String id) {
        return GatehouseException.notFound("code_not_found", "no managed code '" + id + "'");
    }

    private Optional<String> handleOf(ManagedCode code) {
        return Optional.ofNullable(code.handleSealed())
                .map(box -> new String(secrets.open(box, context(code.id())), StandardCharsets.UTF_8));
    }

    private byte[] seal(String id, String handle) {
        return secrets.seal(handle.getBytes(StandardCharsets.UTF_8), context(id));
    }

    private static String context(String id) {
        return "managed-code-handle:" + id;
    }

    private String url(String handle) {
        return publicUrl.apply(CodeController.PATH + handle);
    }

    private static void changes(AuditEvent.Builder event, ManagedCode before, ManagedCode after) {
        change(event, "target", before.target(), after.target());
        change(event, "label", before.label(), after.label());
        change(event, "expiresAt", text(before.expiresAt()), text(after.expiresAt()));
        change(event, "maxUses", before.maxUses(), after.maxUses());
    }

    private static void change(AuditEvent.Builder event, String field, Object before, Object after) {
        if (!java.util.Objects.equals(before, after)) {
            event.detail(field, java.util.Map.of("from", before == null ? "none" : before, "to",
                    after == null ? "none" : after));
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String checkLabel(String label) {
        if (label.isBlank() || label.length() > MAX_LABEL || label.chars().anyMatch(Character::isISOControl)) {
            throw GatehouseException.invalidField("label", "a name of 1 to " + MAX_LABEL + " characters without"
                    + " control characters", label.length() + " characters");
        }
        return label;
    }

    private static void checkExpiry(Instant expiresAt, Instant now) {
        if (!expiresAt.isAfter(now)) {
            throw GatehouseException.invalidField("expiresAt", "an instant in the future", expiresAt.toString());
        }
    }

    private static void checkMaxUses(int maxUses) {
        if (maxUses < 1 || maxUses > MAX_USES) {
            throw GatehouseException.invalidField("maxUses", "a whole number from 1 to " + MAX_USES,
                    String.valueOf(maxUses));
        }
    }
}
