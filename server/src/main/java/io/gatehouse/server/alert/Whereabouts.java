package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.geo.GeoIp;
import io.gatehouse.server.geo.Place;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The audit records that say where a person is, for {@link Rule#UNUSUAL_PLACE} and {@link Rule#IMPOSSIBLE_TRAVEL}:
 * what a person did successfully from their own browser or device, with the address it came from. They are TOTP and
 * recovery-code verifications ({@code step_up_required} included: the code was right), console sign-ins and
 * step-ups, OpenID Connect sign-ins, the phone's approval and the browser's completion of a cross-device login, web
 * wallet door codes (a passkey assertion), and the uses of a person's enrollment codes (a TOTP activation, a device
 * enrollment). Scans of managed codes are not audited, and door scans carry the reader's address, not the person's:
 * neither counts. Failures do not count either, so that an attacker's attempts never become a person's usual place.
 */
final class Whereabouts {
    static final Set<String> ACTIONS = Set.of("totp.verify", "recovery.verify", "console.sign_in", "console.verify",
            "oidc.sign_in", "login.request.approve", "login.request.complete", "wallet.door_code",
            "totp.enrollment.activate", "device.enroll");
    /** The successful results of those actions; no other pairing of the two sets is ever written. */
    static final Set<String> RESULTS = Set.of("accepted", "success", "step_up_required");
    /** Distinct addresses looked at per event: a person's addresses within the window, most recently used first. */
    static final int MAX_ADDRESSES = 500;

    private Whereabouts() {
    }

    /** One address a person's earlier events came from, and its place. */
    record Located(AuditTrail.AddressUse use, Place place) {
    }

    /** True for a successful sign-in or verification of a known person with an address. */
    static boolean counts(RecordView record) {
        return record.user() != null && record.clientAddress() != null && ACTIONS.contains(record.action())
                && RESULTS.contains(record.result());
    }

    /** A window as a summary names it: {@code 90 days}, {@code 24 h}, {@code 90 min} or {@code 45 s}. */
    static String span(Duration window) {
        long seconds = window.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + (seconds == 86_400 ? " day" : " days");
        }
        return seconds % 3600 == 0 ? seconds / 3600 + " h" : seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    static long millis(RecordView record) {
        return Instant.parse(record.time()).toEpochMilli();
    }

    /**
     * The person's addresses on such events before {@code record} in the chain and within {@code window} before its
     * time, most recently used first, with the places the databases know for them (addresses they do not know left
     * out).
     */
    static List<Located> earlier(ReadTx tx, GeoIp geoIp, RecordView record, Duration window) {
        return AuditTrail.addressesOfUser(tx, record.user(), ACTIONS, RESULTS, millis(record) - window.toMillis(),
                record.chainPosition() - 1, MAX_ADDRESSES).stream()
                .map(use -> new Located(use, geoIp.place(use.address())))
                .filter(located -> located.place().known())
                .toList();
    }
}
