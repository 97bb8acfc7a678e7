package io.gatehouse.wallet;

import java.util.Objects;

/**
 * What a device tells the server about itself at enrollment. No personal data: a model, an operating
 * system and an app version, shown to administrators next to the credential.
 *
 * @param model the device model, for example {@code "Pixel 8"}; not null or blank
 * @param os the operating system and its version; not null or blank
 * @param appVersion the version of the wallet app; not null or blank
 */
public record DeviceFacts(String model, String os, String appVersion) {

    /** The model the command-line wallet reports. */
    public static final String CLI_MODEL = "gatehouse-wallet-cli";

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an argument is blank
     */
    public DeviceFacts {
        requireText(model, "model");
        requireText(os, "os");
        requireText(appVersion, "appVersion");
    }

    /**
     * Returns the facts of the command-line wallet on this machine: model {@value #CLI_MODEL}, the JVM's
     * {@code os.name} and {@code os.version}, and the module version.
     *
     * @return the facts, never null
     */
    public static DeviceFacts cli() {
        return new DeviceFacts(CLI_MODEL, System.getProperty("os.name") + " " + System.getProperty("os.version"),
                WalletVersion.get());
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException("device " + name + " must not be blank");
        }
    }
}
