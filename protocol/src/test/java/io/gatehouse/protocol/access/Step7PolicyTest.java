package io.gatehouse.protocol.access;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Step 7: a rule of the door's zone grants the user ({@code not_permitted}), in schedule
 * ({@code outside_schedule}), with UV if the door requires it ({@code user_verification_required}),
 * from a device trusted enough ({@code device_trust_too_low}), checked in that order.
 */
class Step7PolicyTest {

    private final VerifierFixture fixture = new VerifierFixture();

    /** Decides a fresh proof issued at a local date-time of the door's site. */
    private Decision decideAtLocal(String localDateTime) {
        long now = LocalDateTime.parse(localDateTime).atZone(fixture.siteTimeZone).toEpochSecond();
        fixture.now = now;
        return fixture.decide(fixture.proof(now, now, true));
    }

    private static WeeklyWindow window(Set<java.time.DayOfWeek> days, String from, String to) {
        return new WeeklyWindow(days, LocalTime.parse(from), LocalTime.parse(to));
    }

    @Nested
    class Rules {

        @Test
        void no_rule_for_the_zone_is_not_permitted() {
            fixture.rules.clear();

            Decision decision = fixture.decide(fixture.proof(1));

            assertThat(decision.reason()).isEqualTo(DenyReason.NOT_PERMITTED);
            assertThat(decision.detail()).isEqualTo("no rule of zone hq-main grants user u-1001 or any of the roles [staff]");
        }

        @Test
        void a_rule_for_another_role_is_not_permitted() {
            fixture.rules.set(0, AccessRule.forRole("hq-main", "contractor", List.of()));

            assertThat(fixture.decide(fixture.proof(1)).reason()).isEqualTo(DenyReason.NOT_PERMITTED);
        }

        @Test
        void a_rule_of_another_zone_is_ignored_even_if_the_source_returns_it() {
            fixture.rules.set(0, AccessRule.forRole("server-room", "staff", List.of()));

            assertThat(fixture.decide(fixture.proof(1)).reason()).isEqualTo(DenyReason.NOT_PERMITTED);
        }

        @Test
        void a_rule_naming_the_user_grants() {
            fixture.roles = Set.of();
            fixture.rules.set(0, AccessRule.forUser("hq-main", "u-1001", List.of()));

            Decision decision = fixture.decide(fixture.proof(1));

            assertThat(decision.granted()).isTrue();
            assertThat(decision.detail()).isEqualTo("granted at door door-lobby by the rule for user u-1001 in zone hq-main");
        }

        @Test
        void a_rule_naming_another_user_is_not_permitted() {
            fixture.rules.set(0, AccessRule.forUser("hq-main", "u-9999", List.of()));

            assertThat(fixture.decide(fixture.proof(1)).reason()).isEqualTo(DenyReason.NOT_PERMITTED);
        }

        @Test
        void any_one_of_several_roles_grants() {
            fixture.roles = Set.of("visitor", "cleaning");
            fixture.rules.set(0, AccessRule.forRole("hq-main", "cleaning", List.of()));

            assertThat(fixture.decide(fixture.proof(1)).granted()).isTrue();
        }
    }

    @Nested
    class Schedule {

        @Test
        void office_hours_deny_at_one_in_the_morning() {
            fixture.rules.set(0, AccessRule.forRole("hq-main", "staff",
                    List.of(window(EnumSet.range(MONDAY, FRIDAY), "07:00", "19:00"))));

            Decision decision = decideAtLocal("2026-01-01T01:00:10");

            assertThat(decision.reason()).isEqualTo(DenyReason.OUTSIDE_SCHEDULE);
            assertThat(decision.detail()).isEqualTo(
                    "1 rule(s) of zone hq-main grant user u-1001, but none at THURSDAY 01:00:10 Europe/Berlin");
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "2026-01-01T06:59:59, outside_schedule",
            "2026-01-01T07:00:00, granted",
            "2026-01-01T18:59:59, granted",
            "2026-01-01T19:00:00, outside_schedule",
            "2026-01-03T12:00:00, outside_schedule", // Saturday
        })
        void office_hours_are_inclusive_at_the_start_and_exclusive_at_the_end(String local, String expected) {
            fixture.rules.set(0, AccessRule.forRole("hq-main", "staff",
                    List.of(window(EnumSet.range(MONDAY, FRIDAY), "07:00", "19:00"))));

            assertThat(decideAtLocal(local).code()).isEqualTo(expected);
        }

        /** The night shift starts Wednesday 22:00 and ends Thursday 06:00; the day named is Wednesday. */
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "2026-01-06T23:00:00, outside_schedule", // Tuesday night: no window starts on Tuesday
            "2026-01-07T21:59:59, outside_schedule", // Wednesday before the start
            "2026-01-07T22:00:00, granted",          // Wednesday, start inclusive
            "2026-01-07T23:59:59, granted",
            "2026-01-08T00:00:00, granted",          // Thursday, morning of the Wednesday window
            "2026-01-08T05:59:59, granted",
            "2026-01-08T06:00:00, outside_schedule", // end exclusive
            "2026-01-08T22:30:00, outside_schedule", // Thursday night: no window starts on Thursday
        })
        void an_overnight_window_belongs_to_the_day_it_starts(String local, String expected) {
            fixture.rules.set(0, AccessRule.forRole("hq-main", "staff",
                    List.of(window(Set.of(WEDNESDAY), "22:00", "06:00"))));

            assertThat(decideAtLocal(local).code()).isEqualTo(expected);
        }

        @Test
        void an_overnight_window_starting_sunday_runs_into_monday() {
            fixture.rules.set(0, AccessRule.forRole("hq-main", "staff",
                    List.of(window(Set.of(SUNDAY), "20:00", "04:00"))));

            assertThat(decideAtLocal("2026-01-05T03:00:00").granted()).isTrue(); // Monday morning
            assertThat(decideAtLocal("2026-01-05T05:00:00").reason()).isEqualTo(DenyReason.OUTSIDE_SCHEDULE);
        }

        @Test
        void the_schedule_is_read_in_the_site_time_zone() {
            // 2026-01-01T00:30:00Z is Thursday 01:30 in Berlin but still Thursday 00:30 in UTC.
            fixture.rules.set(0, AccessRule.forRole("hq-main", "staff",
                    List.of(window(Set.of(THURSDAY), "01:00", "02:00"))));
            long instant = VerifierFixture.ISSUED_AT + 1800;
            fixture.now = instant;
            AccessProof proof = fixture.proof(instant, 1, true);

            assertThat(fixture.decide(proof).granted()).isTrue();

            fixture.siteTimeZone = ZoneId.of("UTC");
            assertThat(fixture.decide(fixture.proof(instant, 2, true)).reason()).isEqualTo(DenyReason.OUTSIDE_SCHEDULE);
        }

        @Test
        void one_rule_in_schedule_among_several_grants() {
            fixture.rules.set(0, AccessRule.forRole("hq-main", "staff", List.of(window(Set.of(TUESDAY), "07:00", "19:00"))));
            fixture.rules.add(AccessRule.forUser("hq-main", "u-1001", List.of(window(Set.of(THURSDAY), "00:00", "02:00"))));

            Decision decision = fixture.decide(fixture.proof(1));

            assertThat(decision.granted()).isTrue();
            assertThat(decision.detail()).contains("by the rule for user u-1001");
        }

        @Test
        void an_empty_schedule_means_always() {
            assertThat(decideAtLocal("2026-01-04T03:33:33").granted()).isTrue();
        }
    }

    @Nested
    class UserVerification {

        @Test
        void a_door_that_requires_uv_denies_a_proof_without_it() {
            Decision decision = fixture.decide(fixture.proof(VerifierFixture.ISSUED_AT, 1, false));

            assertThat(decision.reason()).isEqualTo(DenyReason.USER_VERIFICATION_REQUIRED);
            assertThat(decision.detail()).isEqualTo(
                    "door door-lobby requires user verification; expected the UV flag, the proof does not carry it");
        }

        @Test
        void a_door_that_does_not_require_uv_accepts_a_proof_without_it() {
            fixture.requireUv = false;

            assertThat(fixture.decide(fixture.proof(VerifierFixture.ISSUED_AT, 1, false)).granted()).isTrue();
        }

        @Test
        void a_minted_proof_carries_the_uv_flag_the_server_set_and_is_checked_as_any_other() {
            fixture.passkey();
            AccessProof withoutUv = fixture.minter.mint(VerifierFixture.MINTING_KEY_ID, VerifierFixture.ID,
                    VerifierFixture.ISSUED_AT, 1, false);

            assertThat(fixture.decide(withoutUv).reason()).isEqualTo(DenyReason.USER_VERIFICATION_REQUIRED);
            assertThat(fixture.decide(fixture.minted(2)).granted()).isTrue();
            fixture.requireUv = false;
            AccessProof again = fixture.minter.mint(VerifierFixture.MINTING_KEY_ID, VerifierFixture.ID,
                    VerifierFixture.ISSUED_AT, 3, false);
            assertThat(fixture.decide(again).granted()).isTrue();
        }

        @Test
        void the_schedule_is_reported_before_the_missing_uv() {
            fixture.rules.set(0, AccessRule.forRole("hq-main", "staff", List.of(window(Set.of(MONDAY), "07:00", "19:00"))));

            assertThat(fixture.decide(fixture.proof(VerifierFixture.ISSUED_AT, 1, false)).reason())
                    .isEqualTo(DenyReason.OUTSIDE_SCHEDULE);
        }
    }

    @Nested
    class Trust {

        @ParameterizedTest(name = "device {0}, door minimum {1} -> {2}")
        @CsvSource({
            "SOFTWARE,           SOFTWARE,           granted",
            "SOFTWARE,           HARDWARE,           device_trust_too_low",
            "SOFTWARE,           SYNCED,             device_trust_too_low",
            "SYNCED,             SOFTWARE,           granted",
            "SYNCED,             SYNCED,             granted",
            "SYNCED,             HARDWARE,           device_trust_too_low",
            "HARDWARE,           SYNCED,             granted",
            "HARDWARE,           HARDWARE,           granted",
            "HARDWARE,           HARDWARE_BIOMETRIC, device_trust_too_low",
            "HARDWARE_BIOMETRIC, HARDWARE,           granted",
            "HARDWARE_BIOMETRIC, HARDWARE_BIOMETRIC, granted",
        })
        void the_device_trust_must_reach_the_door_minimum(DeviceTrust device, DeviceTrust minimum, String expected) {
            fixture.trust = device;
            fixture.minimumTrust = minimum;

            assertThat(fixture.decide(fixture.proof(1)).code()).isEqualTo(expected);
        }

        @Test
        void a_synced_passkey_does_not_open_a_door_that_requires_hardware() {
            fixture.passkey().trust = DeviceTrust.SYNCED;

            Decision decision = fixture.decide(fixture.minted(1));

            assertThat(decision.reason()).isEqualTo(DenyReason.DEVICE_TRUST_TOO_LOW);
            assertThat(decision.detail()).isEqualTo(
                    "door door-lobby requires device trust hardware or stronger, device d-2001 has synced");
        }

        @Test
        void the_detail_names_both_levels() {
            fixture.trust = DeviceTrust.SOFTWARE;

            assertThat(fixture.decide(fixture.proof(1)).detail()).isEqualTo(
                    "door door-lobby requires device trust hardware or stronger, device d-2001 has software");
        }

        @Test
        void missing_uv_is_reported_before_low_trust() {
            fixture.trust = DeviceTrust.SOFTWARE;

            assertThat(fixture.decide(fixture.proof(VerifierFixture.ISSUED_AT, 1, false)).reason())
                    .isEqualTo(DenyReason.USER_VERIFICATION_REQUIRED);
        }
    }
}
