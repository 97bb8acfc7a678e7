package io.gatehouse.server.common;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.codec.Base64Url;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Keyset paging for list endpoints, the same for all of them: {@code limit} (1 to 1000, default 100) and
 * {@code after}, the opaque {@code next} value of the previous page; the answer's {@code next} is null on the last
 * page. Rows are ordered by a sort column and then by id, and the cursor carries both values of the last row, so a
 * page neither repeats nor skips rows when rows before it are added or deleted.
 *
 * @param limit rows per page
 * @param after where the previous page ended, if this is not the first page
 */
public record Page(int limit, Optional<Cursor> after) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** The sort value and the id of the last row of a page. */
    public record Cursor(String key, String id) {
        String encode() {
            return Base64Url.encode((key + "\n" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text) {
            String plain;
            try {
                plain = Utf8.decode(Base64Url.decode(text), "the cursor");
            } catch (IllegalArgumentException | GatehouseException e) {
                throw invalidCursor(text);
            }
            int newline = plain.indexOf('\n');
            if (newline < 0 || plain.indexOf('\n', newline + 1) >= 0) {
                throw invalidCursor(text);
            }
            return new Cursor(plain.substring(0, newline), plain.substring(newline + 1));
        }
    }

    /** One row as read, with the values that order it. */
    public record Keyed<T>(T value, Object key, String id) {
    }

    /** One page of rows and the cursor of the next page, null on the last. */
    public record Slice<T>(List<T> items, String next) {
    }

    /** A page of at most {@code limit} rows, after the cursor text a previous page handed out (null: the first). */
    public static Page of(int limit, String after) {
        return new Page(limit, after == null ? Optional.empty() : Optional.of(Cursor.decode(after)));
    }

    /**
     * The SQL that selects this page, to append to a query (after its WHERE clause, if {@code hasWhere}); the
     * parameters it needs are added to {@code args}. One row more than the limit is read, to tell if more follow.
     *
     * @param keyColumn the sort column; {@code numericKey} when it holds whole numbers (times)
     * @param idColumn the unique id column that breaks ties
     */
    public String sql(String keyColumn, boolean numericKey, String idColumn, boolean hasWhere, List<Object> args) {
        return sql(keyColumn, numericKey, idColumn, hasWhere, args, false);
    }

    /** As {@link #sql}, with the rows in the opposite order: newest first when the sort column is a time. */
    public String sqlDescending(String keyColumn, boolean numericKey, String idColumn, boolean hasWhere,
            List<Object> args) {
        return sql(keyColumn, numericKey, idColumn, hasWhere, args, true);
    }

    private String sql(String keyColumn, boolean numericKey, String idColumn, boolean hasWhere, List<Object> args,
            boolean descending) {
        String beyond = descending ? " < ?" : " > ?";
        String order = descending ? " DESC" : "";
        StringBuilder sql = new StringBuilder();
        after.ifPresent(cursor -> {
            Object key = numericKey ? numericKey(cursor) : cursor.key();
            sql.append(hasWhere ? " AND " : " WHERE ").append("(").append(keyColumn).append(beyond).append(" OR (")
                    .append(keyColumn).append(" = ? AND ").append(idColumn).append(beyond).append("))");
            args.add(key);
            args.add(key);
            args.add(cursor.id());
        });
        sql.append(" ORDER BY ").append(keyColumn).append(order).append(", ").append(idColumn).append(order)
                .append(" LIMIT ?");
        args.add(limit + 1);
        return sql.toString();
    }

    /** The rows of this page from what {@link #sql} selected. */
    public <T> Slice<T> slice(List<Keyed<T>> rows) {
        boolean more = rows.size() > limit;
        List<Keyed<T>> page = more ? rows.subList(0, limit) : rows;
        Keyed<T> last = page.isEmpty() ? null : page.get(page.size() - 1);
        return new Slice<>(page.stream().map(Keyed::value).toList(),
                more ? new Cursor(String.valueOf(last.key()), last.id()).encode() : null);
    }

    private static long numericKey(Cursor cursor) {
        try {
            return Long.parseLong(cursor.key());
        } catch (NumberFormatException e) {
            throw invalidCursor(cursor.encode());
        }
    }

    private static GatehouseException invalidCursor(String text) {
        return GatehouseException.invalid("invalid_parameter", "query parameter 'after' must be the 'next' value of"
                + " a previous page of this list, got '" + Utf8.truncate(text, 40) + "'");
    }
}
