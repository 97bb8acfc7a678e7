package io.gatehouse.server.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning answer says what it invalidates, and the provisioning page exists only for a live token. */
@DatabaseTest
class ReaderProvisioningTest {
    @TempDir
    Path data;
    TestServer server;
    EnrolledReader r;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        r = new EnrolledReader(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResult provision() {
        HttpResult provisioning = server.post("/api/v1/readers/" + r.readerId + "/provisioning", "");
        assertThat(provisioning.status()).isEqualTo(201);
        return provisioning;
    }

    static String secret(HttpResult provisioning) {
        String token = provisioning.json().get("token").asText();
        return token.substring(token.indexOf('.') + 1);
    }

    @Test
    void provisioning_says_that_enrolling_replaces_the_current_credential_and_supersedes_earlier_tokens() {
        HttpResult first = provision();
        assertThat(first.json().get("replacesCredential").asBoolean()).isTrue();
        assertThat(first.json().get("supersededTokens").asInt()).isZero();
        assertThat(first.json().get("notice").asText()).contains("current credential stops working");
        HttpResult second = provision();
        assertThat(second.json().get("supersededTokens").asInt()).isEqualTo(1);
        assertThat(second.json().get("notice").asText()).contains("1 earlier provisioning token(s)");
        assertThat(server.get("/api/v1/reader/bundle", r.credential).status()).isEqualTo(200);

        server.post("/api/v1/readers/" + r.readerId + "/revoke", "");
        HttpResult afterRevoke = provision();
        assertThat(afterRevoke.json().get("replacesCredential").asBoolean()).isFalse();
        assertThat(afterRevoke.json().get("supersededTokens").asInt()).isZero();
        assertThat(afterRevoke.json().get("notice").asText()).startsWith("The reader has no working credential");
    }

    @Test
    void the_provisioning_page_answers_404_for_an_unknown_secret_and_shows_no_command() {
        String madeUp = "ZZ-made-up-secret";
        for (String path : new String[] {madeUp, "x%3Cb%3Einjected%3C%2Fb%3E"}) {
            HttpResult page = server.get(ReaderSync.PATH + path, null);
            assertThat(page.status()).as(path).isEqualTo(404);
            // A page, as the link is opened in a browser (the 404 handler leaves a handler's own page as it is).
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.text()).contains("no such provisioning token").doesNotContain("<b>")
                    .doesNotContain("gatehouse reader enroll");
        }
        assertThat(server.get(ReaderSync.PATH + madeUp + "/qr.png", null).status()).isEqualTo(404);
    }

    @Test
    void the_provisioning_page_answers_410_once_the_token_is_used_or_replaced() {
        HttpResult replaced = provision();
        HttpResult live = provision();
        HttpResult page = server.get(ReaderSync.PATH + secret(live), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("gatehouse reader enroll --state DIR " + live.json().get("url").asText());
        HttpResult gone = server.get(ReaderSync.PATH + secret(replaced), null);
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.text()).doesNotContain("gatehouse reader enroll");

        server.post("/api/v1/reader-enrollment", Map.of("secret", secret(live), "publicKey",
                Base64Url.encode(PublicKeys.toSpki(r.readerKeys.getPublic()))), null);
        assertThat(server.get(ReaderSync.PATH + secret(live), null).status()).isEqualTo(410);
        assertThat(server.get(ReaderSync.PATH + secret(live) + "/qr.png", null).status()).isEqualTo(410);
    }
}
