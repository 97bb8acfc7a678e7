package io.gatehouse.server.testing;

import io.gatehouse.server.common.IpLiteral;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small databases in the MaxMind DB format (version 2.0 of its specification), so that tests can place
 * addresses where they need them. The file is an IPv6 search tree (IPv4 networks sit under {@code ::/96}, as the
 * specification maps them) with 24-bit records, the 16-byte separator, a data section holding each distinct record
 * once, and the metadata after the {@code \xAB\xCD\xEFMaxMind.com} marker.
 *
 * <p>Record values are Java values: {@link String} (UTF-8 string), {@link Double} (double), {@link Float} (float),
 * {@link Short} (uint16), {@link Integer} and {@link Long} (uint32; negative values refused), {@link Boolean},
 * {@link Map} with string keys (map) and {@link List} (array). A later network inside an earlier one overrides it
 * there.
 */
public final class MmdbWriter {
    private static final int RECORD_BITS = 24;
    private static final byte[] METADATA_MARKER = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i',
            'n', 'd', '.', 'c', 'o', 'm'};
    /** Data types, by the specification's numbers. */
    private static final int UTF8_STRING = 2;
    private static final int DOUBLE = 3;
    private static final int UINT16 = 5;
    private static final int UINT32 = 6;
    private static final int MAP = 7;
    private static final int UINT64 = 9;
    private static final int ARRAY = 11;
    private static final int BOOLEAN = 14;
    private static final int FLOAT = 15;

    private final String databaseType;
    private final Node root = new Node();

    public MmdbWriter(String databaseType) {
        this.databaseType = databaseType;
    }

    /** Puts {@code record} at {@code network} ({@code 198.51.100.0/24}, {@code 2001:db8::/32}). */
    public MmdbWriter add(String network, Map<String, ?> record) {
        IpLiteral.Network parsed = IpLiteral.network(network).orElseThrow(() -> new IllegalArgumentException(
                "not a network: " + network));
        byte[] address = parsed.address();
        int prefix = parsed.prefix();
        boolean ipv4 = address.length == 4;
        int offset = ipv4 ? 96 : 0;
        int bits = offset + prefix;
        if (bits == 0) {
            throw new IllegalArgumentException("a network of the whole address space cannot be written");
        }
        Node node = root;
        for (int i = 0; i < bits; i++) {
            if (node.record != null) {
                // A more specific network inside a stored one: the stored record goes on below on both sides.
                node.left = Node.leaf(node.record);
                node.right = Node.leaf(node.record);
                node.record = null;
            }
            boolean one = i >= offset && bit(address, i - offset);
            if (one) {
                node.right = node.right == null ? new Node() : node.right;
                node = node.right;
            } else {
                node.left = node.left == null ? new Node() : node.left;
                node = node.left;
            }
        }
        node.left = null;
        node.right = null;
        node.record = new LinkedHashMap<>(record);
        return this;
    }

    /** Writes the database to {@code file}. */
    public Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    /** The database as bytes. */
    public byte[] bytes() {
        // 1. Number the inner nodes depth first (the root is node 0) and lay out the data section.
        List<Node> nodes = new ArrayList<>();
        number(root, nodes);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<Object, Integer> offsets = new HashMap<>();
        for (Node node : nodes) {
            for (Node child : new Node[] {node.left, node.right}) {
                if (child != null && child.record != null && !offsets.containsKey(child.record)) {
                    offsets.put(child.record, data.size());
                    encode(child.record, data);
                }
            }
        }
        int nodeCount = nodes.size();
        if (nodeCount + 16L + data.size() >= 1L << RECORD_BITS) {
            throw new IllegalStateException("too large for 24-bit records");
        }
        // 2. The tree: per node its left and right record, each a node number, node_count for "no data", or
        //    node_count + 16 + the offset of its record in the data section.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node node : nodes) {
            writeRecord(out, value(node.left, nodeCount, offsets));
            writeRecord(out, value(node.right, nodeCount, offsets));
        }
        // 3. The separator, the data section, the marker and the metadata.
        out.writeBytes(new byte[16]);
        out.writeBytes(data.toByteArray());
        out.writeBytes(METADATA_MARKER);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("node_count", (long) nodeCount);
        metadata.put("record_size", (short) RECORD_BITS);
        metadata.put("ip_version", (short) 6);
        metadata.put("database_type", databaseType);
        metadata.put("languages", List.of("en"));
        metadata.put("binary_format_major_version", (short) 2);
        metadata.put("binary_format_minor_version", (short) 0);
        metadata.put("build_epoch", new Uint64(1_700_000_000L));
        metadata.put("description", Map.of("en", "Gatehouse test database"));
        encode(metadata, out);
        return out.toByteArray();
    }

    /** An unsigned 64-bit integer (the metadata's build time). */
    private record Uint64(long value) {
    }

    private static final class Node {
        Node left;
        Node right;
        /** Set on a leaf: the record of the network that ends here. */
        Map<String, Object> record;
        int number = -1;

        static Node leaf(Map<String, Object> record) {
            Node leaf = new Node();
            leaf.record = record;
            return leaf;
        }
    }

    private static void number(Node node, List<Node> nodes) {
        node.number = nodes.size();
        nodes.add(node);
        for (Node child : new Node[] {node.left, node.right}) {
            if (child != null && child.record == null) {
                number(child, nodes);
            }
        }
    }

    private static long value(Node child, int nodeCount, Map<Object, Integer> offsets) {
        if (child == null) {
            return nodeCount;
        }
        if (child.record != null) {
            return nodeCount + 16L + offsets.get(child.record);
        }
        return child.number;
    }

    private static void writeRecord(ByteArrayOutputStream out, long value) {
        out.write((int) (value >>> 16) & 0xFF);
        out.write((int) (value >>> 8) & 0xFF);
        out.write((int) value & 0xFF);
    }

    private static boolean bit(byte[] address, int index) {
        return (address[index / 8] & (0x80 >>> (index % 8))) != 0;
    }

    // ---- the data section's encoding ----

    private static void encode(Object value, ByteArrayOutputStream out) {
        switch (value) {
            case String text -> {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                control(out, UTF8_STRING, utf8.length);
                out.writeBytes(utf8);
            }
            case Double number -> {
                control(out, DOUBLE, 8);
                writeBigEndian(out, Double.doubleToLongBits(number), 8);
            }
            case Float number -> {
                control(out, FLOAT, 4);
                writeBigEndian(out, Float.floatToIntBits(number), 4);
            }
            case Short number -> unsigned(out, UINT16, Short.toUnsignedLong(number));
            case Integer number -> unsigned(out, UINT32, checkedUint32(number));
            case Long number -> unsigned(out, UINT32, checkedUint32(number));
            case Uint64 number -> unsigned(out, UINT64, number.value());
            case Boolean flag -> control(out, BOOLEAN, flag ? 1 : 0);
            case Map<?, ?> map -> {
                control(out, MAP, map.size());
                map.forEach((key, entry) -> {
                    encode((String) key, out);
                    encode(entry, out);
                });
            }
            case List<?> list -> {
                control(out, ARRAY, list.size());
                list.forEach(entry -> encode(entry, out));
            }
            default -> throw new IllegalArgumentException("no MaxMind DB type for " + value.getClass());
        }
    }

    private static long checkedUint32(long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not an unsigned 32-bit value: " + value);
        }
        return value;
    }

    /** An unsigned integer in as few big-endian bytes as it needs (zero takes none). */
    private static void unsigned(ByteArrayOutputStream out, int type, long value) {
        int length = (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
        control(out, type, length);
        writeBigEndian(out, value, length);
    }

    /**
     * The control byte: the type in the top three bits (0 for an extended type, whose number less 7 follows in the
     * next byte) and the size in the low five: below 29 as it is, else 29, 30 or 31 with one, two or three bytes
     * after it holding the size less 29, 285 or 65,821.
     */
    private static void control(ByteArrayOutputStream out, int type, int size) {
        boolean extended = type > 7;
        int head = (extended ? 0 : type) << 5;
        byte[] sizeBytes;
        if (size < 29) {
            head |= size;
            sizeBytes = new byte[0];
        } else if (size < 285) {
            head |= 29;
            sizeBytes = new byte[] {(byte) (size - 29)};
        } else if (size < 65_821) {
            head |= 30;
            int rest = size - 285;
            sizeBytes = new byte[] {(byte) (rest >>> 8), (byte) rest};
        } else {
            head |= 31;
            int rest = size - 65_821;
            sizeBytes = new byte[] {(byte) (rest >>> 16), (byte) (rest >>> 8), (byte) rest};
        }
        out.write(head);
        if (extended) {
            out.write(type - 7);
        }
        out.writeBytes(sizeBytes);
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long value, int length) {
        for (int i = length - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
