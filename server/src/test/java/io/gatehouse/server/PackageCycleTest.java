package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The root package composes the features, so no feature may refer back to it: that would be a package cycle; and
 * the features users, auth, policy and audit depend on each other in one direction only. Reads the compiled classes,
 * where every class a class refers to is named in its constant pool as {@code io/gatehouse/server/...}; this also
 * catches fully qualified names that an import check would miss.
 */
class PackageCycleTest {
    /** An internal class name directly in the root package: one segment after the root, starting upper-case. */
    private static final Pattern ROOT_CLASS = Pattern.compile("io/gatehouse/server/([A-Z][A-Za-z0-9_$]*)");
    /** An internal class name in a feature package: the package is the segment after the root. */
    private static final Pattern FEATURE_CLASS = Pattern.compile("io/gatehouse/server/([a-z][a-z0-9_]*)/");
    /** Every feature writes audit records and most check tokens, so these must not depend on each other in circles. */
    private static final Set<String> PEOPLE_AND_AUTH = Set.of("user", "auth", "policy", "audit");

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

    @Test
    void users_auth_policies_and_audit_form_no_package_cycle() throws IOException {
        Map<String, Set<String>> dependencies = packageDependencies(compiledRoot());
        for (String from : PEOPLE_AND_AUTH) {
            for (String to : PEOPLE_AND_AUTH) {
                if (!from.equals(to)) {
                    assertThat(reaches(dependencies, from, to, PEOPLE_AND_AUTH) && reaches(dependencies, to, from,
                            PEOPLE_AND_AUTH)).as("a cycle between " + from + " and " + to + " in " + dependencies)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void the_check_sees_dependencies_between_feature_packages() throws IOException {
        Map<String, Set<String>> dependencies = packageDependencies(compiledRoot());
        assertThat(dependencies.get("user")).as("users write audit records").contains("audit");
        assertThat(reaches(dependencies, "policy", "audit", PEOPLE_AND_AUTH)).isTrue();
    }

    /** True when {@code to} can be reached from {@code from} through packages of {@code within} only. */
    private static boolean reaches(Map<String, Set<String>> dependencies, String from, String to,
            Set<String> within) {
        Set<String> seen = new TreeSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(from));
        while (!next.isEmpty()) {
            for (String target : dependencies.getOrDefault(next.pop(), Set.of())) {
                if (target.equals(to)) {
                    return true;
                }
                if (within.contains(target) && seen.add(target)) {
                    next.push(target);
                }
            }
        }
        return false;
    }

    /** For each feature package, the other feature packages its classes refer to. */
    private static Map<String, Set<String>> packageDependencies(Path root) throws IOException {
        Map<String, Set<String>> dependencies = new TreeMap<>();
        for (Path feature : featureClasses(root)) {
            String from = root.relativize(feature).getName(0).toString();
            Matcher names = FEATURE_CLASS.matcher(new String(Files.readAllBytes(feature), StandardCharsets.ISO_8859_1));
            while (names.find()) {
                if (!names.group(1).equals(from)) {
                    dependencies.computeIfAbsent(from, key -> new TreeSet<>()).add(names.group(1));
                }
            }
        }
        return dependencies;
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
