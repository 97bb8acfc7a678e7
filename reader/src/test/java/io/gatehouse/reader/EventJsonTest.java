package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON form of reader events: exact member names, hex hashes, base64url signature, strict reading. */
class EventJsonTest {

    private static final KeyPair KEY = PublicKeys.generateP256(new SecureRandom());

    private final ReaderEvent event = ReaderEvents.chain(ChainHead.START, "r-1",
            new EventFields(1_772_442_000_123L, "offline", "grant", null, "oR4tPEtaaXiHlqW0w9Lh8A", "u-1", "door-1",
                    1_772_441_998L, "granted \"here\"\nreally"), KEY.getPrivate());

    @Test
    void members_appear_in_the_documented_order_with_nulls_written() {
        String line = EventJson.toLine(event);

        assertThat(Harness.lines(line).get(0).fieldNames()).toIterable().containsExactly("eventId", "seq", "time", "mode",
                "decision", "reason", "credentialId", "userId", "doorId", "proofIssuedAt", "detail", "prevHash", "hash",
                "signature");
        assertThat(line).contains("\"reason\":null").contains("\"prevHash\":\"" + "0".repeat(64) + "\"")
                .doesNotContain("\n");
    }

    @Test
    void an_event_survives_the_round_trip_and_still_verifies() {
        ReaderEvent read = EventJson.fromLine(EventJson.toLine(event));

        assertThat(read).isEqualTo(event);
        assertThat(ReaderEvents.verifyChain(List.of(read), ChainHead.START, KEY.getPublic())).isEmpty();
    }

    @Test
    void reading_is_strict() {
        String line = EventJson.toLine(event);

        assertThatThrownBy(() -> EventJson.fromLine(line + "{}")).hasMessageStartingWith("not one JSON object");
        assertThatThrownBy(() -> EventJson.fromLine(line.replace("\"seq\":1", "\"seq\":\"1\"")))
                .hasMessage("member 'seq': expected an integer, got string");
        assertThatThrownBy(() -> EventJson.fromLine(line.replace("{\"eventId\"", "{\"seq\":1,\"eventId\"")))
                .hasMessageStartingWith("not one JSON object: Duplicate field 'seq'");
        String upperHash = line.replace("\"hash\":\"", "\"hash\":\"A").replaceFirst("\"hash\":\"A.", "\"hash\":\"A");
        assertThatThrownBy(() -> EventJson.fromLine(upperHash)).hasMessageContaining("member 'hash'");
    }
}
