package io.gatehouse.reader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this module, from the build (a filtered resource, so it also works outside a jar). */
public final class ReaderVersion {

    private static final String VERSION = load();

    private ReaderVersion() {
    }

    /**
     * Returns the module version, for example {@code 0.1.0-SNAPSHOT}.
     *
     * @return the version, never null
     */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ReaderVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the reader module");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
