package io.gatehouse.server.kiosk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.ServerPerTest;
import io.gatehouse.server.visitor.VisitorStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kiosks, short codes and check-ins as migration V27 stores them, on both databases. */
@DatabaseTest
class KioskStoreTest extends ServerPerTest {
    private static final ClientInfo CLIENT = ClientInfo.local("test");

    Kiosks kiosks;
    CheckIns checkIns;
    Principal admin = Principal.token("tok_test", "test", EnumSet.of(Scope.ADMIN));

    @BeforeEach
    void setUp() {
        kiosks = new Kiosks(database, server.gatehouse().services().core().audit(), server.clock(),
                new SecureRandom());
        checkIns = new CheckIns(database, server.gatehouse().services().core().audit(),
                (tx, visitor, kiosk, at) -> Optional.empty(), () -> "http://localhost", server.clock(),
                new SecureRandom());
    }

    @Test
    void a_pairing_link_pairs_once_and_revocation_refuses_the_credential_at_once() {
        Kiosks.Pairing pairing = kiosks.create(new Kiosks.NewKiosk(" Front desk "), admin, CLIENT);
        assertThat(pairing.kiosk().name()).isEqualTo("Front desk");
        String token = pairing.pairingPath().substring(Kiosks.PAIR_PATH.length());
        assertThat(kiosks.pairingLive(pairing.kiosk().id(), token)).isTrue();
        Kiosks.Paired paired = kiosks.pair(token, CLIENT);
        assertThat(kiosks.authenticate(Optional.of(paired.credential())).id()).isEqualTo(pairing.kiosk().id());
        assertThatThrownBy(() -> kiosks.pair(token, CLIENT)).isInstanceOf(GatehouseException.class)
                .hasMessageContaining("used already");
        kiosks.revoke(pairing.kiosk().id(), admin, CLIENT);
        assertThatThrownBy(() -> kiosks.authenticate(Optional.of(paired.credential())))
                .isInstanceOf(GatehouseException.class).extracting(e -> ((GatehouseException) e).code())
                .isEqualTo("kiosk_unpaired");
        assertThat(kiosks.get(pairing.kiosk().id()).state()).isEqualTo(Kiosk.State.REVOKED);
    }

    @Test
    void a_pairing_link_expires() {
        Kiosks.Pairing pairing = kiosks.create(new Kiosks.NewKiosk("Lobby"), admin, CLIENT);
        server.clock().advance(Kiosks.PAIRING_LIFETIME);
        assertThatThrownBy(() -> kiosks.pair(pairing.pairingPath().substring(Kiosks.PAIR_PATH.length()), CLIENT))
                .extracting(e -> ((GatehouseException) e).code()).isEqualTo("pairing_expired");
    }

    @Test
    void short_codes_check_in_once_and_five_wrong_in_a_row_lock_the_kiosk_for_a_minute() {
        Kiosk kiosk = pairedKiosk();
        Instant now = server.clock().instant();
        String visitorId = "vis_kiosk";
        String code = database.inTransaction(tx -> {
            VisitorStore.insert(tx, new VisitorStore.NewVisitor(visitorId, Ids.sha256("handle"), null, "Vera",
                    "vera@example.com", Optional.empty(), Optional.empty(), now.minusSeconds(60),
                    now.plus(Duration.ofHours(2)), 2, List.of(), List.of(), "test", now));
            return new ShortCodes(new SecureRandom()).issue(tx, visitorId);
        });
        assertThat(code).matches("[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}");
        CheckIns.Welcome first = checkIns.checkInByCode(kiosk, code.toLowerCase(java.util.Locale.ROOT), CLIENT);
        assertThat(first.firstTime()).isTrue();
        assertThat(first.bindPath()).startsWith(PassBinding.BIND_PATH);
        assertThat(checkIns.checkInByCode(kiosk, code, CLIENT).firstTime()).isFalse();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> checkIns.checkInByCode(kiosk, "2222-2222", CLIENT))
                    .extracting(e -> ((GatehouseException) e).code()).isEqualTo("unknown_short_code");
        }
        assertThatThrownBy(() -> checkIns.checkInByCode(kiosk, "not a code", CLIENT))
                .extracting(e -> ((GatehouseException) e).code()).isEqualTo("kiosk_locked");
        assertThatThrownBy(() -> checkIns.checkInByCode(kiosk, code, CLIENT))
                .extracting(e -> ((GatehouseException) e).code()).isEqualTo("kiosk_locked");
        server.clock().advance(CheckIns.CODE_LOCK);
        assertThat(checkIns.checkInByCode(kiosk, code, CLIENT).visitorId()).isEqualTo(visitorId);
    }

    @Test
    void erasing_a_visitor_erases_the_phone_binding_links_and_short_code_of_the_pass() {
        Instant now = server.clock().instant();
        String visitorId = "vis_erased";
        database.inTransaction(tx -> {
            VisitorStore.insert(tx, new VisitorStore.NewVisitor(visitorId, Ids.sha256("erased-handle"), null, "Vera",
                    "vera@example.com", Optional.empty(), Optional.empty(), now.minusSeconds(60),
                    now.plus(Duration.ofHours(2)), 2, List.of(), List.of(), "test", now));
            new ShortCodes(new SecureRandom()).issue(tx, visitorId);
            PassKioskStore.insertBindLink(tx, Ids.sha256("bind-link"), visitorId, now.plusSeconds(600));
            PassPasskeyStore.insert(tx, new PassPasskeyStore.PassPasskey("webauthn-1", visitorId,
                    io.gatehouse.protocol.access.CredentialId.random(new SecureRandom()), new byte[16], new byte[64], 0), now);
            PassPasskeyStore.putCeremony(tx, "cer_1", "assertion", visitorId, "{}", now.plusSeconds(300), now);
            return null;
        });

        server.gatehouse().visitors().passes().erase(visitorId, admin, CLIENT);

        database.read(tx -> {
            for (String table : List.of("pass_passkeys", "pass_ceremonies", "pass_bind_links")) {
                assertThat(tx.queryLong("SELECT COUNT(*) FROM " + table + " WHERE visitor_id = ?", visitorId))
                        .as(table).isZero();
            }
            assertThat(tx.queryLong("SELECT COUNT(*) FROM pass_kiosk_state WHERE visitor_id = ? AND short_code_hash"
                    + " IS NOT NULL", visitorId)).as("the short code").isZero();
            return null;
        });
    }

    private Kiosk pairedKiosk() {
        Kiosks.Pairing pairing = kiosks.create(new Kiosks.NewKiosk("Lobby"), admin, CLIENT);
        return kiosks.pair(pairing.pairingPath().substring(Kiosks.PAIR_PATH.length()), CLIENT).kiosk();
    }
}
