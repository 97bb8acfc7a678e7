package io.gatehouse.server.insight;

import io.gatehouse.server.audit.AuditCounts;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.device.Devices;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The aggregates of the console's Overview and Analytics pages, computed from the audit log ({@link AuditCounts})
 * and the devices. Hourly series run over whole UTC hours and list every hour of the range, zeros included, so that
 * a chart needs no gaps filled in.
 */
public final class Insights {
    /** The longest range an hourly series covers: a month of hours. */
    public static final Duration MAX_HOURLY_RANGE = Duration.ofDays(31);
    /** The range when none is given: the last day. */
    public static final Duration DEFAULT_RANGE = Duration.ofHours(24);

    private final Database database;
    private final Devices devices;
    private final Clock clock;

    public Insights(Database database, Devices devices, Clock clock) {
        this.database = database;
        this.devices = devices;
        this.clock = clock;
    }

    /** A time range {@code [from, to)}. */
    public record Range(Instant from, Instant to) {
    }

    public record DecisionHour(String hour, long grants, long denies) {
    }

    public record DecisionSeries(String from, String to, List<DecisionHour> hours) {
    }

    public record DenyReason(String reason, long count) {
    }

    public record DenyReasons(String from, String to, List<DenyReason> reasons) {
    }

    public record DoorDecisions(String doorId, long grants, long denies) {
    }

    public record DoorRanking(String from, String to, List<DoorDecisions> doors) {
    }

    public record DeviceCount(String kind, String trust, long count) {
    }

    public record DeviceCounts(List<DeviceCount> devices) {
    }

    public record TotpHour(String hour, long failures, long lockouts) {
    }

    public record TotpSeries(String from, String to, List<TotpHour> hours) {
    }

    public record Today(String timeZone, String since, long grants, long denies) {
    }

    /**
     * The range asked for: {@code to} defaults to now (this millisecond included) and {@code from} to
     * {@link #DEFAULT_RANGE} before {@code to}.
     *
     * @throws GatehouseException {@code invalid_parameter} when {@code from} is not before {@code to}
     */
    public Range range(Optional<Instant> from, Optional<Instant> to) {
        Instant end = to.orElseGet(() -> clock.instant().plusMillis(1));
        Instant start = from.orElse(end.minus(DEFAULT_RANGE));
        if (!start.isBefore(end)) {
            throw GatehouseException.invalid("invalid_parameter", "query parameter 'from' (" + start
                    + ") must be before 'to' (" + end + ")");
        }
        return new Range(start, end);
    }

    public DecisionSeries decisionsPerHour(Range range) {
        List<Instant> hours = hoursOf(range);
        Map<Instant, AuditCounts.HourlyDecisions> counted = database.read(tx -> AuditCounts.decisionsPerHour(tx,
                range.from(), range.to())).stream().collect(Collectors.toMap(AuditCounts.HourlyDecisions::hour,
                Function.identity()));
        List<DecisionHour> series = hours.stream().map(hour -> {
            AuditCounts.HourlyDecisions found = counted.get(hour);
            return new DecisionHour(hour.toString(), found == null ? 0 : found.grants(),
                    found == null ? 0 : found.denies());
        }).toList();
        return new DecisionSeries(range.from().toString(), range.to().toString(), series);
    }

    public DenyReasons denyReasons(Range range) {
        List<DenyReason> reasons = database.read(tx -> AuditCounts.denyReasons(tx, range.from(), range.to()))
                .stream().map(count -> new DenyReason(count.reason(), count.count())).toList();
        return new DenyReasons(range.from().toString(), range.to().toString(), reasons);
    }

    public DoorRanking doors(Range range, int limit) {
        List<DoorDecisions> doors = database.read(tx -> AuditCounts.doors(tx, range.from(), range.to(), limit))
                .stream().map(door -> new DoorDecisions(door.doorId(), door.grants(), door.denies())).toList();
        return new DoorRanking(range.from().toString(), range.to().toString(), doors);
    }

    public DeviceCounts devices() {
        return new DeviceCounts(devices.activeCounts().stream()
                .map(count -> new DeviceCount(count.kind().code(), count.trust().code(), count.count())).toList());
    }

    public TotpSeries totpPerHour(Range range) {
        List<Instant> hours = hoursOf(range);
        Map<Instant, AuditCounts.HourlyTotp> counted = database.read(tx -> AuditCounts.totpPerHour(tx, range.from(),
                range.to())).stream().collect(Collectors.toMap(AuditCounts.HourlyTotp::hour, Function.identity()));
        List<TotpHour> series = hours.stream().map(hour -> {
            AuditCounts.HourlyTotp found = counted.get(hour);
            return new TotpHour(hour.toString(), found == null ? 0 : found.failures(),
                    found == null ? 0 : found.lockouts());
        }).toList();
        return new TotpSeries(range.from().toString(), range.to().toString(), series);
    }

    /**
     * Grants and denies since midnight in {@code timeZone} (an IANA name such as {@code Europe/Zurich}).
     *
     * @throws GatehouseException {@code invalid_parameter} for a time zone Java does not know
     */
    public Today today(String timeZone) {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw GatehouseException.invalid("invalid_parameter", "query parameter 'timeZone' must be a time zone"
                    + " such as UTC or Europe/Zurich, got '" + io.gatehouse.server.common.Utf8.truncate(timeZone, 40)
                    + "'");
        }
        Instant now = clock.instant();
        Instant midnight = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
        AuditCounts.Decisions counts = database.read(tx -> AuditCounts.decisions(tx, midnight, now.plusMillis(1)));
        return new Today(zone.getId(), midnight.toString(), counts.grants(), counts.denies());
    }

    /**
     * The UTC hours a range touches, from the one holding {@code from} to the one holding the last instant before
     * {@code to}.
     *
     * @throws GatehouseException {@code invalid_parameter} for a range longer than {@link #MAX_HOURLY_RANGE}
     */
    private static List<Instant> hoursOf(Range range) {
        if (Duration.between(range.from(), range.to()).compareTo(MAX_HOURLY_RANGE) > 0) {
            throw GatehouseException.invalid("invalid_parameter", "an hourly series covers at most "
                    + MAX_HOURLY_RANGE.toDays() + " days; the range from " + range.from() + " to " + range.to()
                    + " is longer");
        }
        List<Instant> hours = new ArrayList<>();
        Instant last = range.to().minusMillis(1).truncatedTo(ChronoUnit.HOURS);
        for (Instant hour = range.from().truncatedTo(ChronoUnit.HOURS); !hour.isAfter(last);
                hour = hour.plus(1, ChronoUnit.HOURS)) {
            hours.add(hour);
        }
        return hours;
    }
}
