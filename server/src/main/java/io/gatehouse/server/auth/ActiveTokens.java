package io.gatehouse.server.auth;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rows of tokens that authenticated lately, by token id, so that a request does not read its token's row
 * again: a verification spent about a fifth of its HTTP thread's time on that read. Only the read is saved; the
 * secret is still hashed and compared in constant time with the row's hash on every request, and the expiry still
 * checked against the clock.
 *
 * <p>A revocation must count from the next request. Every revocation on this server ends every entry (they are
 * few, and tokens are revoked rarely): {@link #revoked} moves a generation on once the revocation has committed, and
 * an entry is used only while the generation it was read in is still the current one. A row read before that
 * commit, and stored after it, belongs to the old generation, so no read can outlive the revocation. This holds
 * only where this server is the only one that revokes: on SQLite, where one server holds the data directory and
 * the command line does not revoke tokens. On PostgreSQL several nodes may share the database, and a revocation
 * on one would not reach the others' memory, so there {@link #disabled} reads the row every time.
 */
final class ActiveTokens {
    /** More tokens than this in use at once empties the cache rather than let it grow. */
    static final int MAX_ENTRIES = 4_096;

    private final boolean enabled;
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(TokenStore.ActiveToken token, long generation) {
    }

    private ActiveTokens(boolean enabled) {
        this.enabled = enabled;
    }

    static ActiveTokens enabled() {
        return new ActiveTokens(true);
    }

    static ActiveTokens disabled() {
        return new ActiveTokens(false);
    }

    /**
     * The row of token {@code id} remembered in generation {@code current} (what {@link #generation} said before
     * the caller looked), if any: then it was unrevoked in the database after the last revocation here.
     */
    Optional<TokenStore.ActiveToken> remembered(String id, long current) {
        Entry entry = enabled ? entries.get(id) : null;
        return entry != null && entry.generation() == current ? Optional.of(entry.token()) : Optional.empty();
    }

    /** Remembers a row that has just authenticated a request, read in generation {@code readIn}. */
    void remember(TokenStore.ActiveToken token, long readIn) {
        Entry known = enabled ? entries.get(token.id()) : null;
        if (!enabled || known != null && known.generation() == readIn) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(token.id(), new Entry(token, readIn));
    }

    /** The generation now: read it before looking a row up, and pass it to {@link #remembered} and {@link #remember}. */
    long generation() {
        return generation.get();
    }

    /** Call once a revocation has committed: no entry read before it is used again. */
    void revoked() {
        generation.incrementAndGet();
        entries.clear();
    }
}
