package io.gatehouse.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = GatehouseCommand.class.getPackage().getImplementationVersion();
        return new String[] {"gatehouse " + (version == null ? "development" : version)};
    }
}
