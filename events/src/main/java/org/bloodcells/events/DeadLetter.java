package org.bloodcells.events;

import java.time.Instant;
import java.util.Optional;

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

    /** @return why no reader may act on this dead letter; empty when it names its stage, when, and any image well */
    public Optional<String> problem() {
        return Rules.firstOf(
                () -> imageId == null ? Optional.empty() : ImageId.problem("imageId", imageId),
                () -> Rules.required("stage", stage),
                () -> Rules.required("failedAt", failedAt));
    }
}
