package io.gatehouse.server.codes;

import java.time.Instant;

/**
 * One recorded request of a code's URL or of an own-purpose link's page.
 *
 * @param country ISO 3166 code, null when the address database does not know it or there is none
 * @param network the client's /24 or /48, null when its address is not an IP literal
 * @param outcome {@code redirected}, {@code viewed} (a feature's page) or why it was refused: {@code revoked},
 *     {@code disabled}, {@code expired}, {@code used_up}, {@code ended}
 * @param counted whether it counted as a use of the code
 */
record Scan(String codeId, Instant at, DeviceClass device, String country, String network, String outcome,
        boolean counted) {
    static final String REDIRECTED = "redirected";
    static final String VIEWED = "viewed";

    /** What a request tells about its client, worked out before the decision's transaction. */
    record Seen(DeviceClass device, String country, String network) {
        Scan scan(String codeId, Instant at, String outcome, boolean counted) {
            return new Scan(codeId, at, device, country, network, outcome, counted);
        }
    }
}
