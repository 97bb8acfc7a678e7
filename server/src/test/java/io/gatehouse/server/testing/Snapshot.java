package io.gatehouse.server.testing;

import io.gatehouse.server.db.Database;
import java.sql.ResultSetMetaData;
import java.util.List;

/** Every row of every Gatehouse table as text, to prove that a request changed nothing. */
public final class Snapshot {
    private static final List<String> TABLES = List.of("users", "user_roles", "role_policies", "api_tokens",
            "bootstrap_links", "totp_credentials", "totp_enrollments", "recovery_codes", "audit_log");

    private Snapshot() {
    }

    public static String of(Database database) {
        StringBuilder out = new StringBuilder();
        database.read(tx -> {
            for (String table : TABLES) {
                out.append("## ").append(table).append('\n');
                tx.query("SELECT * FROM " + table + " ORDER BY 1", rs -> {
                    ResultSetMetaData meta = rs.getMetaData();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        // chain fields are filled in by the background sealer at any moment
                        String column = meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT);
                        if (!column.startsWith("chain_")) {
                            Object value = rs.getObject(i);
                            out.append(value instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes)
                                    : String.valueOf(value)).append('|');
                        }
                    }
                    out.append('\n');
                    return null;
                });
            }
            return null;
        });
        return out.toString();
    }
}
