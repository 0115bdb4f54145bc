package org.bloodcells.detect.messaging;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bloodcells.detect.service.DetectionOutcome;
import org.bloodcells.detect.service.ImageDetectionService;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.Topics;
import org.bloodcells.storage.StorageUnavailableException;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Receives {@code ImageUploaded} records and publishes what the detection service makes of
 * them. The incoming record is acknowledged only after the broker has acknowledged the
 * outgoing one, so a crash in between redelivers the image instead of losing it.
 *
 * <p>Failure strategy: an image that can never be processed is not a failure here, it is
 * published to the dead-letter topic and acknowledged. What is left to fail is not the image's
 * fault: object storage unavailable is retried in place with back-off (about 30 s in all); when
 * that is not enough, or Kafka or ONNX Runtime fail, the message is nacked under the connector's
 * {@code fail} strategy. Its offset is then never committed, the channel turns liveness DOWN,
 * and after the restart the record is redelivered to whichever replica holds the partition.
 * {@code ignore} would lose the image, and {@code dead-letter-queue} or
 * {@code delayed-retry-topic} would end with perfectly fine images parked during an outage.
 */
@ApplicationScoped
public class ImageUploadedConsumer {

    private static final Logger LOG = Logger.getLogger(ImageUploadedConsumer.class);

    private final ImageDetectionService detection;
    private final MutinyEmitter<CellDetections> detections;
    private final MutinyEmitter<DeadLetter> deadLetters;

    public ImageUploadedConsumer(ImageDetectionService detection,
            @Channel(Topics.CELL_DETECTIONS) MutinyEmitter<CellDetections> detections,
            @Channel(Topics.DEAD_LETTERS) MutinyEmitter<DeadLetter> deadLetters) {
        this.detection = detection;
        this.detections = detections;
        this.deadLetters = deadLetters;
    }

    @Incoming(Topics.IMAGES_UPLOADED)
    @Blocking
    @Retry(retryOn = StorageUnavailableException.class, maxRetries = 6, delay = 500, jitter = 200)
    @ExponentialBackoff(maxDelay = 30, maxDelayUnit = ChronoUnit.SECONDS)
    public void consume(ConsumerRecord<String, String> record) {
        long started = System.nanoTime();
        DetectionOutcome outcome = detection.process(record.value());
        if (outcome instanceof DetectionOutcome.Detected detected) {
            CellDetections cells = detected.detections();
            detections.sendMessageAndAwait(KafkaRecord.of(cells.imageId(), cells));
            LOG.infof("Image %s: %s in %d ms (model %d ms) from %s-%d@%d", cells.imageId(), cells.counts(),
                    elapsedMillis(started), cells.inferenceMillis(), record.topic(), record.partition(),
                    record.offset());
        } else if (outcome instanceof DetectionOutcome.DeadLettered parked) {
            DeadLetter letter = parked.deadLetter();
            deadLetters.sendMessageAndAwait(KafkaRecord.of(letter.imageId(), letter));
            LOG.warnf("Image %s dead-lettered from %s-%d@%d: %s", letter.imageId(), record.topic(),
                    record.partition(), record.offset(), letter.reason());
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
