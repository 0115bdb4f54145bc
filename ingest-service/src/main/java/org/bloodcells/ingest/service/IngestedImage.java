package org.bloodcells.ingest.service;

/**
 * An image that is durable in object storage and announced on Kafka.
 *
 * @param created true when this request stored and announced it, false when it was already known
 */
public record IngestedImage(String fileName, String imageId, String objectKey, String contentType, long sizeBytes,
        int width, int height, boolean created) {
}
