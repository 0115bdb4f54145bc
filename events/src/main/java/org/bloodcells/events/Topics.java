package org.bloodcells.events;

import java.util.Map;

/**
 * Kafka topic names, the one place they are spelled. Producers, consumers and tests import these.
 * Channels are named after the topic they read or write, so {@code mp.messaging.*} keys carry the
 * names as channel names; no property names a topic (a test in e2e-tests checks that), and a
 * channel that cannot take its topic's name sets the topic on each record from here.
 */
public final class Topics {

    /** {@link ImageUploaded}: an image is durable in object storage and waits for detection. */
    public static final String IMAGES_UPLOADED = "images-uploaded";

    /**
     * {@link ImageMembership}: bytes already known were uploaded again, into a batch, slide or scanner that now
     * holds the image too. Not searched again: one detection serves every membership.
     */
    public static final String IMAGE_MEMBERSHIPS = "image-memberships";

    /**
     * The object store's bucket notifications (MinIO's Kafka target, S3 event format): a scanner put an object under
     * {@code incoming/}. Written by the object store, read by ingest-service.
     */
    public static final String BUCKET_NOTIFICATIONS = "bucket-notifications";

    /** {@link CellDetections}: a model has searched one image. */
    public static final String CELL_DETECTIONS = "cell-detections";

    /** {@link DeadLetter}: an image that a stage could not process, with the reason. */
    public static final String DEAD_LETTERS = "dead-letters";

    /**
     * {@link ModelPromoted}: the version every worker runs from now on. One partition, keyed by model name, so
     * its last record is the version in force; every worker replica reads all of it (no shared consumer group).
     */
    public static final String MODELS_PROMOTED = "models-promoted";

    /**
     * The settings {@link #MODELS_PROMOTED} is created with wherever it is created: compacted by model name, so the
     * version in force is kept for good (a plain topic would delete it after its retention).
     */
    public static final Map<String, String> MODELS_PROMOTED_CONFIG = Map.of("cleanup.policy", "compact");

    /** {@link ModelRejected}: a worker could not load a version it was told to run, and kept its own. */
    public static final String MODELS_REJECTED = "models-rejected";

    private Topics() {
    }
}
