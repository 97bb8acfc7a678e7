package io.gatehouse.server.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.nimbusds.jose.jwk.JWKSet;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.policy.SignInMethod;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The SQL of {@code oidc_clients}. */
final class OidcClientStore {
    private static final String COLUMNS = "id, name, public_client, redirect_uris, post_logout_uris, secret_hash,"
            + " jwks, refresh_tokens, sign_in_methods, phishing_resistant, created_by, created_at";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    void insert(Tx tx, OidcClient client) {
        tx.update("INSERT INTO oidc_clients (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                client.clientId(), client.name(), client.publicClient(), uris(client.redirectUris()),
                uris(client.postLogoutRedirectUris()), client.secretHash(),
                client.jwks().map(jwks -> jwks.toString(true)).orElse(null), client.refreshTokens(),
                String.join(" ", SignInMethod.codes(client.signInMethods())), client.phishingResistant(),
                client.createdBy(), client.createdAt().toEpochMilli());
    }

    Optional<OidcClient> find(ReadTx tx, String clientId) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM oidc_clients WHERE id = ?", OidcClientStore::client,
                clientId);
    }

    List<OidcClient> all(ReadTx tx) {
        return tx.query("SELECT " + COLUMNS + " FROM oidc_clients ORDER BY created_at, id", OidcClientStore::client);
    }

    boolean delete(Tx tx, String clientId) {
        return tx.update("DELETE FROM oidc_clients WHERE id = ?", clientId) == 1;
    }

    private static String uris(List<URI> uris) {
        return Json.write(uris.stream().map(URI::toString).toList());
    }

    private static OidcClient client(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        boolean publicClient = rs.getBoolean("public_client");
        byte[] secretHash = rs.getBytes("secret_hash");
        Optional<JWKSet> jwks = Optional.ofNullable(rs.getString("jwks")).map(text -> jwks(id, text));
        OidcClient.AuthMethod method = publicClient ? OidcClient.AuthMethod.NONE
                : jwks.isPresent() ? OidcClient.AuthMethod.PRIVATE_KEY_JWT : OidcClient.AuthMethod.CLIENT_SECRET_BASIC;
        return new OidcClient(id, rs.getString("name"), publicClient, uris(id, rs.getString("redirect_uris")),
                uris(id, rs.getString("post_logout_uris")), method, secretHash, jwks, rs.getBoolean("refresh_tokens"),
                methods(id, rs.getString("sign_in_methods")), rs.getBoolean("phishing_resistant"),
                rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    private static Set<SignInMethod> methods(String clientId, String text) {
        try {
            return SignInMethod.parseAll("sign_in_methods", List.of(text.split(" ")));
        } catch (GatehouseException e) {
            throw GatehouseException.corrupt("the sign-in methods of OIDC client " + clientId, e);
        }
    }

    private static List<URI> uris(String clientId, String json) {
        try {
            return Json.MAPPER.readValue(json, STRINGS).stream().map(text -> uri(clientId, text)).toList();
        } catch (JsonProcessingException e) {
            throw GatehouseException.corrupt("the redirect URIs of OIDC client " + clientId, e);
        }
    }

    private static URI uri(String clientId, String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw GatehouseException.corrupt("a redirect URI of OIDC client " + clientId, e);
        }
    }

    private static JWKSet jwks(String clientId, String text) {
        try {
            return JWKSet.parse(text);
        } catch (ParseException e) {
            throw GatehouseException.corrupt("the JWKS of OIDC client " + clientId, e);
        }
    }
}
