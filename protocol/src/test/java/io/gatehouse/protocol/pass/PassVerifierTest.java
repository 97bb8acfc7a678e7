package io.gatehouse.protocol.pass;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundlePass;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The offline pass decision, one step and one reason at a time. */
class PassVerifierTest {
    private static final String PASS = "https://g.example/q/Pq7sVx2mK9dLw4NcR8tYb3HgZ1f";
    private static final String OTHER = "https://g.example/q/Zz9-_Yy8Xx7Ww6Vv5Uu4Tt3Ss2R";
    private static final long FROM = 1_767_225_600L;
    private static final long UNTIL = FROM + 3600;

    private static PassVerifier verifier(int skew, int maxEntries, int counted) {
        DoorSettings door = new DoorSettings("door-1", "zone-1", ZoneId.of("UTC"), 30, skew, false,
                DeviceTrust.SOFTWARE);
        ReaderBundle bundle = new ReaderBundle(1, FROM, FROM + 86_400, "r-1", door, OfflineMode.FAIL_SECURE,
                List.of(new TrustedKey("k1", PublicKeys.generateP256(new SecureRandom()).getPublic())), List.of(),
                List.of(), List.of(), List.of(), List.of(new BundlePass(PassText.parse(PASS).orElseThrow().digest(), "vis-1", FROM, UNTIL, maxEntries,
                        counted)));
        return new PassVerifier(bundle);
    }

    private static String code(PassDecision decision) {
        return decision.reason().map(PassDenyReason::code).orElse("granted");
    }

    @Test
    void step_1_a_link_without_a_handle_is_malformed() {
        assertThat(code(verifier(5, 1, 0).decide("https://g.example/q/tooShort", FROM + 10, visitor -> 0)))
                .isEqualTo("malformed_pass");
    }

    @Test
    void step_2_a_handle_the_bundle_does_not_list_is_unknown() {
        PassDecision decision = verifier(5, 1, 0).decide(OTHER, FROM + 10, visitor -> 0);

        assertThat(code(decision)).isEqualTo("unknown_pass");
        assertThat(decision.subject()).isEmpty();
    }

    @Test
    void step_5_the_window_with_the_doors_skew() {
        PassVerifier verifier = verifier(5, 1, 0);

        assertThat(code(verifier.decide(PASS, FROM - 6, visitor -> 0))).isEqualTo("pass_not_yet_valid");
        assertThat(code(verifier.decide(PASS, FROM - 5, visitor -> 0))).isEqualTo("granted");
        assertThat(code(verifier.decide(PASS, UNTIL + 4, visitor -> 0))).isEqualTo("granted");
        assertThat(code(verifier.decide(PASS, UNTIL + 5, visitor -> 0))).isEqualTo("pass_expired");
        PassVerifier strict = verifier(0, 1, 0);
        assertThat(code(strict.decide(PASS, FROM - 1, visitor -> 0))).isEqualTo("pass_not_yet_valid");
        assertThat(code(strict.decide(PASS, UNTIL, visitor -> 0))).isEqualTo("pass_expired");
    }

    @Test
    void step_6_entries_counted_by_the_server_and_here_add_up_to_the_maximum() {
        Map<String, Integer> here = Map.of("vis-1", 1);
        PassVerifier verifier = verifier(5, 3, 1);

        assertThat(code(verifier.decide(PASS, FROM + 10, visitor -> 0))).isEqualTo("granted");
        PassDecision second = verifier.decide(PASS, FROM + 10, here::get);
        assertThat(code(second)).isEqualTo("granted");
        assertThat(second.detail()).isEqualTo("entry 3 of 3 (1 counted by the server, 1 offline here before)");
        PassDecision used = verifier.decide(PASS, FROM + 10, visitor -> 2);
        assertThat(code(used)).isEqualTo("entries_used_up");
        assertThat(used.subject()).contains("visitor:vis-1");
        assertThat(code(verifier(5, 2, 2).decide(PASS, FROM + 10, visitor -> 0))).isEqualTo("entries_used_up");
    }
}
