package org.bloodcells.events;

import java.time.Instant;

/**
 * An image that a stage could not process. It is parked here with its reason instead of
 * blocking its partition; nothing about the image is lost (its bytes stay in object storage).
 *
 * @param imageId  SHA-256 of the image bytes, or null when the event itself was unreadable
 * @param stage    the stage that gave up, e.g. {@code detect}
 * @param reason   what went wrong, for a person to read
 * @param payload  the original event as received, so it can be replayed
 * @param failedAt when the stage gave up
 */
public record DeadLetter(String imageId, String stage, String reason, String payload, Instant failedAt) {
}
