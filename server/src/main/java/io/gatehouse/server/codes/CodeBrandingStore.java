package io.gatehouse.server.codes;

import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.Optional;

/** The table {@code code_branding}: one row, the logo that code images may carry. */
final class CodeBrandingStore {
    /** The key of the only row. */
    private static final int ROW = 1;

    private CodeBrandingStore() {
    }

    /** The stored logo as a PNG, when one was uploaded. */
    static Optional<byte[]> logo(ReadTx tx) {
        return tx.queryOne("SELECT logo_png FROM code_branding WHERE id = ? AND logo_png IS NOT NULL",
                rs -> rs.getBytes(1), ROW);
    }

    static void putLogo(Tx tx, byte[] png, int width, int height, String by, long now) {
        tx.update("""
                INSERT INTO code_branding (id, logo_png, logo_width, logo_height, updated_by, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET logo_png = excluded.logo_png, logo_width = excluded.logo_width,
                    logo_height = excluded.logo_height, updated_by = excluded.updated_by,
                    updated_at = excluded.updated_at""", ROW, png, width, height, by, now);
    }

    /** Removes the logo; false when there was none. */
    static boolean deleteLogo(Tx tx) {
        return tx.update("DELETE FROM code_branding WHERE id = ?", ROW) > 0;
    }
}
