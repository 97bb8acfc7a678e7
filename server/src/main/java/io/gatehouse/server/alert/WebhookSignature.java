package io.gatehouse.server.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Gatehouse-Signature} header of a webhook delivery: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>} over
 * {@code "<t>.<body>"} under the webhook's secret. The time inside the MAC lets a receiver refuse a replayed
 * delivery (docs/operations.md suggests five minutes of tolerance).
 */
public final class WebhookSignature {
    public static final String HEADER = "Gatehouse-Signature";

    private WebhookSignature() {
    }

    public static String header(byte[] secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, unixSeconds, body));
    }

    /**
     * What a receiver does, in steps: parse the header, check the time against its own clock, recompute the MAC
     * and compare it in constant time.
     */
    public static boolean verify(byte[] secret, String header, String body, long nowSeconds, long toleranceSeconds) {
        // 1. Both parts present, in the documented form.
        if (header == null || !header.matches("t=[0-9]{1,12},v1=[0-9a-f]{64}")) {
            return false;
        }
        int comma = header.indexOf(',');
        long t = Long.parseLong(header.substring(2, comma));
        // 2. Fresh: a captured delivery cannot be replayed later.
        if (Math.abs(nowSeconds - t) > toleranceSeconds) {
            return false;
        }
        // 3. The MAC over the time and the exact body.
        byte[] presented = HexFormat.of().parseHex(header.substring(comma + 4));
        return MessageDigest.isEqual(presented, mac(secret, t, body));
    }

    private static byte[] mac(byte[] secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
