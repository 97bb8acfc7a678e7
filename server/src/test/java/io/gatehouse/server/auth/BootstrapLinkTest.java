package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.ServerPerTest;
import io.gatehouse.server.testing.TestServer;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The bootstrap link lives only while no administrator exists, checked when it is redeemed. */
@DatabaseTest
class BootstrapLinkTest extends ServerPerTest {
    long count(String sql, Object... args) {
        return database.read(tx -> tx.queryLong(sql, args));
    }

    /** actor, subject, result and reason of the newest audit record of {@code action}, read from the table. */
    String lastAudit(String action) {
        return database.read(tx -> tx.queryOne("SELECT actor, subject, result, reason FROM audit_log WHERE action = ?"
                + " ORDER BY id DESC LIMIT 1", rs -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3)
                + " " + rs.getString(4), action)).orElse("none");
    }

    /** Revokes every token, as on a server whose administrators are all gone, and issues a link. */
    String linkWithoutAdministrators() {
        database.inTransaction(tx -> tx.update("UPDATE api_tokens SET revoked_at = 1 WHERE revoked_at IS NULL"));
        return server.gatehouse().services().auth().bootstrap().issueIfNeeded().orElseThrow();
    }

    void assertEnded(String path) {
        HttpResult page = server.get(path, null);
        assertThat(page.status()).as(page.toString()).isEqualTo(410);
        assertThat(page.text()).contains("an administrator already exists");
        HttpResult redeemed = server.post(path, "{\"name\":\"late\"}", null);
        assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(410);
        assertThat(redeemed.json().get("code").asText()).isEqualTo("bootstrap_ended");
    }

    @Test
    void the_link_printed_at_start_ends_when_an_admin_token_is_created_as_the_command_line_does() {
        // The server started without an administrator and printed a link; TestServer then created its admin token
        // through ApiTokens, exactly as 'gatehouse admin token create' does from its own process.
        String printed = server.gatehouse().bootstrapUrl().orElseThrow();
        long tokens = count("SELECT COUNT(*) FROM api_tokens");

        assertEnded(printed);

        assertThat(count("SELECT COUNT(*) FROM api_tokens")).isEqualTo(tokens);
        assertThat(lastAudit("bootstrap.end")).matches("test bootstrap:bst_\\w+ success admin_exists");
    }

    @Test
    void an_ended_link_stays_dead_after_every_admin_token_is_revoked_again() {
        String printed = server.gatehouse().bootstrapUrl().orElseThrow();
        database.inTransaction(tx -> tx.update("UPDATE api_tokens SET revoked_at = 1 WHERE revoked_at IS NULL"));

        assertEnded(printed);
        assertThat(count("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL")).isZero();
    }

    @Test
    void redemption_refuses_when_an_admin_token_appeared_without_ending_the_link() {
        String secret = linkWithoutAdministrators();
        // An admin token that did not come through ApiTokens (another node's older code, a restored backup): only
        // the check inside the redeeming transaction can see it.
        database.inTransaction(tx -> tx.update("INSERT INTO api_tokens (id, name, secret_hash, scopes, created_by,"
                + " created_at) VALUES ('planted', 'planted', ?, 'admin verify', 'elsewhere', 1)", Ids.sha256("x")));
        long tokens = count("SELECT COUNT(*) FROM api_tokens");

        HttpResult refused = server.post("/bootstrap/" + secret, "{\"name\":\"late\"}", null);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(410);
        assertThat(refused.json().get("code").asText()).isEqualTo("bootstrap_ended");
        assertThat(count("SELECT COUNT(*) FROM api_tokens")).isEqualTo(tokens);
        assertThat(lastAudit("admin.bootstrap")).matches("bootstrap-link bootstrap:bst_\\w+ rejected admin_exists");
        // The refusal ended the link for good: without any administrator it still does not work.
        database.inTransaction(tx -> tx.update("UPDATE api_tokens SET revoked_at = 1 WHERE id = 'planted'"));
        assertEnded("/bootstrap/" + secret);
    }

    @Test
    void a_token_without_the_admin_scope_leaves_the_link_alive() {
        String secret = linkWithoutAdministrators();
        server.gatehouse().services().auth().tokens().create("app", EnumSet.of(Scope.VERIFY, Scope.AUDIT_READ), "cli",
                ClientInfo.local("test"));

        HttpResult created = server.post("/bootstrap/" + secret, "{\"name\":\"first admin\"}", null);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("scopes").toString()).isEqualTo("[\"admin\"]");
        assertThat(server.post("/bootstrap/" + secret, "{}", null).json().get("code").asText())
                .isEqualTo("bootstrap_used");
    }

    @Test
    void the_link_creates_one_admin_token_and_is_recorded_as_used() {
        String secret = linkWithoutAdministrators();

        HttpResult created = server.post("/bootstrap/" + secret, "{\"name\":\"first admin\"}", null);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(count("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM bootstrap_links WHERE end_reason = 'used'")).isEqualTo(1);
    }
}
