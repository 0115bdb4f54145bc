package org.bloodcells.events;

/**
 * Kafka topic names, the one place they are spelled. Producers, consumers and tests import these.
 * Channels are named after the topic they read or write, so {@code mp.messaging.*} keys carry the
 * names as channel names; no property names a topic (a test in e2e-tests checks that), and a
 * channel that cannot take its topic's name sets the topic on each record from here.
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
