package io.gatehouse.reader;

import java.util.Objects;

/**
 * How a call to the server ended. The reader acts on the kind: an answer, a refusal of its credential
 * (the reader is revoked), another refusal, or no usable answer at all (then it decides offline).
 *
 * @param <T> the type of a successful answer
 */
public sealed interface ServerAnswer<T> {

    /**
     * The server answered as the contract says.
     *
     * @param value the answer; not null
     * @param <T> its type
     */
    record Ok<T>(T value) implements ServerAnswer<T> {
        /** @throws NullPointerException if {@code value} is null */
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * The server refused the reader's credential (HTTP 401).
     *
     * @param code the problem's code, for example {@code reader_revoked} or {@code invalid_token}; not null
     * @param detail the problem's detail; not null
     * @param <T> the type a successful answer would have had
     */
    record Unauthorized<T>(String code, String detail) implements ServerAnswer<T> {
        /** @throws NullPointerException if an argument is null */
        public Unauthorized {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The server answered with another 4xx problem.
     *
     * @param status the HTTP status; 400..499
     * @param code the problem's code, or {@code http_<status>} if it had none; not null
     * @param detail the problem's detail; not null
     * @param <T> the type a successful answer would have had
     */
    record Refused<T>(int status, String code, String detail) implements ServerAnswer<T> {
        /** @throws NullPointerException if a reference is null */
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * No usable answer: no connection, no answer in time, a 5xx, or an answer that breaks the contract.
     *
     * @param detail what happened; not null
     * @param <T> the type a successful answer would have had
     */
    record Unreachable<T>(String detail) implements ServerAnswer<T> {
        /** @throws NullPointerException if {@code detail} is null */
        public Unreachable {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
