package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The root package composes the features, so no feature may refer back to it: that would be a package cycle.
 * Reads the compiled classes, where every class a class refers to is named in its constant pool as
 * {@code io/gatehouse/server/...}; this also catches fully qualified names that an import check would miss.
 */
class PackageCycleTest {
    /** An internal class name directly in the root package: one segment after the root, starting upper-case. */
    private static final Pattern ROOT_CLASS = Pattern.compile("io/gatehouse/server/([A-Z][A-Za-z0-9_$]*)");

    @Test
    void no_class_outside_the_root_package_refers_to_a_class_in_it() throws IOException {
        Path root = compiledRoot();
        assertThat(root.resolve("Gatehouse.class")).as("compiled classes at " + root).exists();
        List<Path> features = featureClasses(root);
        assertThat(features).as("feature classes found").hasSizeGreaterThan(50);

        TreeSet<String> references = new TreeSet<>();
        for (Path feature : features) {
            // ISO-8859-1 maps every byte to one char, so the class file's ASCII names read as they are.
            Matcher names = ROOT_CLASS.matcher(new String(Files.readAllBytes(feature), StandardCharsets.ISO_8859_1));
            while (names.find()) {
                references.add(root.relativize(feature) + " -> " + names.group(1));
            }
        }
        assertThat(references).as("references from feature packages into the root package").isEmpty();
    }

    @Test
    void the_check_sees_a_reference_into_the_root_package() throws IOException {
        byte[] composer = Files.readAllBytes(compiledRoot().resolve("Services.class"));
        assertThat(ROOT_CLASS.matcher(new String(composer, StandardCharsets.ISO_8859_1)).results()
                .map(match -> match.group(1))).as("Services names Core, a root class").contains("Core");
    }

    private static Path compiledRoot() {
        try {
            return Path.of(Gatehouse.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve("io/gatehouse/server");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the location of the compiled classes is not a file path", e);
        }
    }

    private static List<Path> featureClasses(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".class"))
                    .filter(file -> !file.getParent().equals(root)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
