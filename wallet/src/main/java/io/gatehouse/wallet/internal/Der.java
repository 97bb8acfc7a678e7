package io.gatehouse.wallet.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Just enough ASN.1 DER writing for {@link SelfSignedCertificate}: definite lengths, the handful of
 * universal types a certificate needs, and constructed values built from already-encoded children.
 * Not API.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int UTF8_STRING = 0x0C;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    /** [0] EXPLICIT, constructed, context-specific. */
    static final int CONTEXT_0 = 0xA0;

    private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    /** Tag, length, value. */
    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        writeLength(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** A constructed value (SEQUENCE, SET, [0]) from already-encoded children. */
    static byte[] constructed(int tag, byte[]... children) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] child : children) {
            content.writeBytes(child);
        }
        return tlv(tag, content.toByteArray());
    }

    static byte[] sequence(byte[]... children) {
        return constructed(SEQUENCE, children);
    }

    /** A two's-complement INTEGER; BigInteger.toByteArray is already minimal. */
    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    /** A BIT STRING holding whole bytes (no unused bits). */
    static byte[] bitString(byte[] bytes) {
        byte[] value = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, value, 1, bytes.length);
        return tlv(BIT_STRING, value);
    }

    static byte[] utf8String(String text) {
        return tlv(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Dotted OID, first two arcs folded into one byte, the rest in base 128 with continuation bits. */
    static byte[] objectIdentifier(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, new BigInteger(arcs[0]).multiply(BigInteger.valueOf(40)).add(new BigInteger(arcs[1])));
        for (int i = 2; i < arcs.length; i++) {
            writeBase128(out, new BigInteger(arcs[i]));
        }
        return tlv(OBJECT_IDENTIFIER, out.toByteArray());
    }

    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always in UTC to the second. */
    static byte[] time(ZonedDateTime time) {
        ZonedDateTime utc = time.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
        if (utc.getYear() >= 1950 && utc.getYear() < 2050) {
            return tlv(UTC_TIME, utc.format(UTC_TIME_FORMAT).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(GENERALIZED_TIME, utc.format(GENERALIZED_TIME_FORMAT).getBytes(StandardCharsets.US_ASCII));
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        // Long form: 0x80 | number of length bytes, then the length big-endian without leading zeros.
        byte[] bytes = BigInteger.valueOf(length).toByteArray();
        int skip = bytes[0] == 0 ? 1 : 0;
        out.write(0x80 | (bytes.length - skip));
        out.write(bytes, skip, bytes.length - skip);
    }

    private static void writeBase128(ByteArrayOutputStream out, BigInteger value) {
        int groups = Math.max(1, (value.bitLength() + 6) / 7);
        for (int group = groups - 1; group >= 0; group--) {
            int bits = value.shiftRight(7 * group).intValue() & 0x7F;
            out.write(group == 0 ? bits : bits | 0x80);
        }
    }
}
