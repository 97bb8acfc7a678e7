package io.gatehouse.reader.door;

import java.time.Duration;

/**
 * Opens the door: the reader's only output to the physical world. Called on a separate thread after a
 * grant has been recorded, so a slow relay does not hold up the next scan.
 */
@FunctionalInterface
public interface DoorDriver {

    /**
     * Unlocks the door for a while.
     *
     * @param duration how long the door stays unlocked; positive; not null
     * @throws io.gatehouse.reader.ReaderException with code {@code door_driver_failed} if the door could not
     *     be driven (the reader reports it on standard error)
     */
    void unlock(Duration duration);
}
