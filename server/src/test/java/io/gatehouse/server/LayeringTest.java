package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The typed core's layering, checked on the compiled classes (their constant pools name every class they refer to
 * and hold every SQL string they run): HTTP types stay in the HTTP layer and the controllers, and each table is
 * touched by its feature's store alone.
 */
class LayeringTest {
    private static final Pattern HTTP_TYPE = Pattern.compile("(io/javalin/[A-Za-z0-9_/$]+|io/gatehouse/server/http/"
            + "[A-Za-z0-9_$]+)");

    /** Tables with one owner: the class (relative to the server package) that alone may name them in SQL. */
    private static final Map<String, String> OWNERS = Map.of("devices", "device/DeviceStore");

    @Test
    void no_service_or_store_refers_to_an_http_or_javalin_type() {
        TreeSet<String> references = new TreeSet<>();
        for (Path file : classes()) {
            String name = relative(file);
            if (name.startsWith("http/") || isHttpFacing(name)) {
                continue;
            }
            Matcher types = HTTP_TYPE.matcher(text(file));
            while (types.find()) {
                references.add(name + " -> " + types.group(1));
            }
        }
        assertThat(references).as("HTTP types referred to outside the HTTP layer and the controllers").isEmpty();
    }

    @Test
    void each_owned_table_is_named_in_sql_by_its_store_alone() {
        TreeSet<String> strays = new TreeSet<>();
        OWNERS.forEach((table, owner) -> {
            Pattern sql = Pattern.compile("(?i)\\b(FROM|JOIN|INTO|UPDATE)\\s+" + table + "\\b");
            for (Path file : classes()) {
                String name = relative(file);
                if (!name.startsWith(owner) && sql.matcher(text(file)).find()) {
                    strays.add(name + " names table " + table);
                }
            }
        });
        assertThat(strays).as("SQL on a table outside the store that owns it").isEmpty();
    }

    @Test
    void the_checks_see_what_they_look_for() {
        assertThat(HTTP_TYPE.matcher(text(root().resolve("http/ProblemMapper.class"))).find()).isTrue();
        assertThat(Pattern.compile("(?i)\\bFROM\\s+devices\\b").matcher(text(root().resolve("device/DeviceStore.class")))
                .find()).isTrue();
    }

    /**
     * The console's web layer besides its controllers and pages: the session filter, the failure pages and the form
     * reader. Its sessions, sign-in and bootstrap services are held to the rule like every other service.
     */
    private static final java.util.Set<String> CONSOLE_WEB = java.util.Set.of("console/ConsoleAccess",
            "console/ConsoleErrors", "console/ConsoleForm");

    /** The composition root, controllers and page renderers speak HTTP by design. */
    private static boolean isHttpFacing(String name) {
        String simple = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\$.*", "").replace(".class", "");
        String type = name.replaceAll("\\$.*", "").replace(".class", "");
        return !name.contains("/") || simple.endsWith("Controller") || simple.endsWith("Pages")
                || CONSOLE_WEB.contains(type);
    }

    private static List<Path> classes() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(file -> file.toString().endsWith(".class")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path file) {
        return root().relativize(file).toString();
    }

    private static String text(Path file) {
        try {
            // ISO-8859-1 maps every byte to one char, so the class file's ASCII names and strings read as they are.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        try {
            return Path.of(Gatehouse.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve("io/gatehouse/server");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the location of the compiled classes is not a file path", e);
        }
    }
}
