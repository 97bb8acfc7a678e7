package io.gatehouse.reader.door;

import io.gatehouse.reader.Diagnostics;
import java.time.Duration;
import java.util.Objects;

/** Drives no hardware: reports each unlock on standard error ({@code "event":"door_unlock"}). */
public final class LogDoorDriver implements DoorDriver {

    private final Diagnostics diagnostics;
    private final String doorId;

    /**
     * Creates the driver.
     *
     * @param diagnostics where the lines go; not null
     * @param doorId the door named in each line; not null
     */
    public LogDoorDriver(Diagnostics diagnostics, String doorId) {
        this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
        this.doorId = Objects.requireNonNull(doorId, "doorId");
    }

    @Override
    public void unlock(Duration duration) {
        diagnostics.info("door_unlock", Diagnostics.fields("door", doorId, "seconds", duration.toSeconds()));
    }
}
