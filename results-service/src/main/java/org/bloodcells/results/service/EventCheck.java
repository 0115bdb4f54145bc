package org.bloodcells.results.service;

import java.util.Optional;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.ModelPromoted;

/**
 * What makes an event storable. An event that fails these checks can never be stored, however
 * often it is re-delivered, so it is dead-lettered (see messaging.EventReader) instead of
 * stopping its topic.
 */
public final class EventCheck {

    private static final int MAX_ID_LENGTH = 128;

    private EventCheck() {
    }

    /** @return why the event cannot be stored, or empty when it can */
    public static Optional<String> problemWith(ImageUploaded event) {
        return firstOf(imageId(event.imageId()),
                optionalId("scannerId", event.scannerId()),
                optionalId("slideId", event.slideId()),
                optionalId("batchId", event.batchId()));
    }

    public static Optional<String> problemWith(ImageMembership event) {
        return firstOf(imageId(event.imageId()),
                requiredId("scannerId", event.scannerId()),
                requiredId("slideId", event.slideId()),
                requiredId("batchId", event.batchId()),
                event.addedAt() == null ? Optional.of("addedAt missing") : Optional.empty());
    }

    public static Optional<String> problemWith(CellDetections event) {
        return firstOf(imageId(event.imageId()),
                requiredId("modelName", event.modelName()),
                requiredId("modelVersion", event.modelVersion()),
                event.counts() == null ? Optional.of("counts missing") : Optional.empty(),
                event.cells() == null ? Optional.of("cells missing") : Optional.empty(),
                event.detectedAt() == null ? Optional.of("detectedAt missing") : Optional.empty(),
                event.counts() != null && event.counts().values().stream().anyMatch(c -> c == null || c < 0)
                        ? Optional.of("counts must be zero or more")
                        : Optional.empty());
    }

    public static Optional<String> problemWith(ModelPromoted event) {
        if (event.model() == null) {
            return Optional.of("model missing");
        }
        return firstOf(requiredId("model.name", event.model().name()),
                requiredId("model.version", event.model().version()),
                event.model().sha256() == null || !event.model().sha256().matches("[0-9a-f]{64}")
                        ? Optional.of("model.sha256 must be 64 lower-case hex digits") : Optional.empty(),
                event.promotedAt() == null ? Optional.of("promotedAt missing") : Optional.empty());
    }

    public static Optional<String> problemWith(DeadLetter event) {
        return imageId(event.imageId());
    }

    private static Optional<String> imageId(String imageId) {
        if (imageId == null) {
            return Optional.of("no imageId");
        }
        return ImageId.isWellFormed(imageId) ? Optional.empty()
                : Optional.of("imageId is not a lower-case hex SHA-256: " + imageId);
    }

    private static Optional<String> requiredId(String name, String value) {
        return value == null || value.isBlank() ? Optional.of(name + " missing") : optionalId(name, value);
    }

    private static Optional<String> optionalId(String name, String value) {
        return value != null && value.length() > MAX_ID_LENGTH
                ? Optional.of(name + " longer than " + MAX_ID_LENGTH + " characters")
                : Optional.empty();
    }

    @SafeVarargs
    private static Optional<String> firstOf(Optional<String>... problems) {
        for (Optional<String> problem : problems) {
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }
}
