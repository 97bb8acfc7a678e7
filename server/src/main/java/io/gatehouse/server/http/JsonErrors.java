package io.gatehouse.server.http;

import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.GatehouseException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * Turns the parser's failure into a detail a client can act on: what was expected and where. Jackson's own message
 * is never passed on; it names Java types and features of the library.
 */
final class JsonErrors {
    private JsonErrors() {
    }

    static GatehouseException describe(JacksonException e) {
        String where = where(e.getLocation());
        String detail;
        if (e instanceof JsonEOFException) {
            detail = "expected a complete JSON object; the body ends" + where + " before it is closed";
        } else if (e instanceof StreamConstraintsException) {
            detail = "expected JSON within the limits of " + Json.MAX_NESTING + " levels of nesting, strings of at"
                    + " most " + Json.MAX_STRING_LENGTH + " characters and numbers of at most "
                    + Json.MAX_NUMBER_LENGTH + " digits; the body exceeds one" + where;
        } else if (e instanceof MismatchedInputException && isTrailing(e)) {
            detail = "expected exactly one JSON object; more content follows it" + where;
        } else if (e instanceof MismatchedInputException) {
            detail = "expected each field name once per object; one repeats" + where;
        } else {
            detail = "expected a JSON object; the body is not valid JSON" + where;
        }
        return GatehouseException.invalid("invalid_json", detail);
    }

    /** Trailing content is the one mismatch that FAIL_ON_TRAILING_TOKENS raises; the other is a repeated key. */
    private static boolean isTrailing(JacksonException e) {
        String message = e.getOriginalMessage();
        return message != null && message.startsWith("Trailing token");
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
