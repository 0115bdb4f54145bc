package org.bloodcells.events;

/**
 * Kafka topic names, the one place they are spelled. Producers, consumers, configuration
 * (through {@code mp.messaging.*.topic=${...}} defaults) and tests import these.
 */
public final class Topics {

    /** {@link ImageUploaded}: an image is durable in object storage and waits for detection. */
    public static final String IMAGES_UPLOADED = "images-uploaded";

    /** {@link CellDetections}: a model has searched one image. */
    public static final String CELL_DETECTIONS = "cell-detections";

    /** {@link DeadLetter}: an image that a stage could not process, with the reason. */
    public static final String DEAD_LETTERS = "dead-letters";

    private Topics() {
    }
}
