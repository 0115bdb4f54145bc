package org.bloodcells.detect.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detect.metrics.StageClock;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.detect.metrics.WorkerMetrics.Stage;
import org.bloodcells.detect.service.DetectionOutcome;
import org.bloodcells.detect.service.ImageDetectionService;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.Topics;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Receives {@code ImageUploaded} records in batches (the channel's {@code batch=true}, at most
 * {@code max.poll.records} each) and publishes what the detection service makes of them, in order. The batch is
 * acknowledged only after the broker has acknowledged every outgoing record, so a crash in between redelivers the
 * whole batch instead of losing an image; results-service stores a run once per (image, model, version), so the
 * redelivered images are never counted twice.
 *
 * <p>Failure strategy: an image that can never be processed is not a failure here, it is published to the
 * dead-letter topic and acknowledged with its batch. What is left to fail is not the images' fault: object storage
 * unavailable past its retries, Kafka not acknowledging within {@code bloodcells.worker.publish-timeout}, ONNX Runtime
 * failing, or a bug. The batch is then nacked under the connector's {@code fail} strategy: its offsets are never
 * committed, the channel turns liveness DOWN, and after the restart the records are redelivered to whichever replica
 * holds the partitions. {@code ignore} would lose the images, and {@code dead-letter-queue} or
 * {@code delayed-retry-topic} would end with perfectly fine images parked during an outage.
 *
 * <p>Shutdown (SIGTERM, as Kubernetes scales the workers down): the batches in flight (two at most: the next is taken
 * while one ends) are finished, published and then committed by the connector as it closes; a batch that arrives after the shutdown began is refused without being
 * processed, so its records stay uncommitted and go to the replica that takes the partitions over.
 */
@ApplicationScoped
public class ImageUploadedConsumer {

    private static final Logger LOG = Logger.getLogger(ImageUploadedConsumer.class);

    /** Longest shutdown waits for the batches in flight: their record age limit (StorageBudget) bounds it anyway. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(120);

    private final ImageDetectionService detection;
    private final MutinyEmitter<CellDetections> detections;
    private final MutinyEmitter<DeadLetter> deadLetters;
    private final WorkerMetrics metrics;
    private final Duration publishTimeout;
    /**
     * Two: the next batch is fetched and prepared while the one before ends (its last model runs, post-processing and
     * publishing), so that the model's lanes do not idle between batches. No more than that: a batch is handed over
     * (and the next one asked for) only once all its images are in model runs, and each batch has at most
     * {@code parallel-runs} of them at once.
     */
    private final ExecutorService batchThreads = Executors.newFixedThreadPool(2, new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "detect-batch-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });
    /** The batch before the one being handed over, ended (acknowledged or nacked); the connector calls one at a time. */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
    private final Object inFlightLock = new Object();
    private int inFlight;
    private boolean stopping;

    public ImageUploadedConsumer(ImageDetectionService detection,
            @Channel(Topics.CELL_DETECTIONS) MutinyEmitter<CellDetections> detections,
            @Channel(Topics.DEAD_LETTERS) MutinyEmitter<DeadLetter> deadLetters, WorkerMetrics metrics,
            DetectWorkerConfig config) {
        this.detection = detection;
        this.detections = detections;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.publishTimeout = config.worker().publishTimeout();
    }

    /**
     * The connector hands over the next batch when this one's stage completes: once every image of this one is in a
     * model run, so that the next one is fetched and prepared while this one ends. The work runs on the worker's own
     * batch threads, and each batch is acknowledged (or nacked) only once it is done, whatever the order they end in
     * (the throttled committer commits an offset once every record before it is acknowledged).
     */
    @Incoming(Topics.IMAGES_UPLOADED)
    public CompletionStage<Void> consume(KafkaRecordBatch<String, String> batch) {
        synchronized (inFlightLock) {
            if (stopping) {
                // Neither acknowledged nor nacked: not committed, so the replica that takes the partitions over
                // reads these records again; a nack would fail the channel and stop the commit of the batch before.
                LOG.infof("Shutting down: %d records left for the replica that takes the partitions over",
                        batch.getRecords().size());
                return CompletableFuture.completedFuture(null);
            }
            inFlight++;
        }
        CompletableFuture<Void> handedOver = new CompletableFuture<>();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> process(batch, () -> handedOver.complete(null)),
                batchThreads)
                .handle((ok, failure) -> failure)
                .thenCompose(failure -> failure == null ? batch.ack()
                        : batch.nack(failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure))
                // In flight until acknowledged or nacked: shutdown waits for that, not only for the work.
                .whenComplete((ok, failure) -> {
                    synchronized (inFlightLock) {
                        inFlight--;
                        inFlightLock.notifyAll();
                    }
                    handedOver.complete(null);
                });
        // The next batch is asked for once this one is in its model runs and the one before it has ended: never more
        // than two in flight.
        CompletableFuture<Void> before;
        synchronized (inFlightLock) {
            before = previous;
            previous = done.handle((ignored, failure) -> null);
        }
        return CompletableFuture.allOf(handedOver, before);
    }

    /** Runs before the connector closes: lets the batches in flight finish, so that their offsets are committed. */
    void finishInFlightBatch(@Observes ShutdownEvent shutdown) throws InterruptedException {
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        synchronized (inFlightLock) {
            stopping = true;
            while (inFlight > 0 && System.nanoTime() < deadline) {
                LOG.infof("Shutting down: waiting for the batches in flight (%d)", inFlight);
                inFlightLock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
    }

    @PreDestroy
    void stopBatchThread() {
        batchThreads.shutdown();
    }

    private void process(KafkaRecordBatch<String, String> records, Runnable handedOver) {
        long started = System.nanoTime();
        List<KafkaRecord<String, String>> batch = records.getRecords();
        List<DetectionOutcome> outcomes = detection.process(batch.stream().map(KafkaRecord::getPayload).toList(),
                handedOver);

        StageClock publishing = StageClock.start();
        List<Uni<Void>> sent = new ArrayList<>(outcomes.size());
        if (outcomes.size() != batch.size() || outcomes.stream().anyMatch(Objects::isNull)) {
            // Acknowledging the batch would lose the images without an outcome.
            throw new IllegalStateException("the detection service returned " + outcomes + " for " + batch.size()
                    + " records");
        }
        for (DetectionOutcome outcome : outcomes) {
            if (outcome instanceof DetectionOutcome.Detected detected) {
                CellDetections cells = detected.detections();
                sent.add(detections.sendMessage(KafkaRecord.of(cells.imageId(), cells)));
            } else if (outcome instanceof DetectionOutcome.DeadLettered parked) {
                DeadLetter letter = parked.deadLetter();
                sent.add(deadLetters.sendMessage(KafkaRecord.of(letter.imageId(), letter)));
            }
        }
        // Sent in order, one partition's records keep it; the batch is acknowledged once every one is.
        if (!sent.isEmpty()) {
            Uni.join().all(sent).andFailFast().await().atMost(publishTimeout);
        }
        publishing.lapShared(metrics, Stage.PUBLISH, outcomes.size());

        for (int i = 0; i < outcomes.size(); i++) {
            String record = where(batch.get(i));
            if (outcomes.get(i) instanceof DetectionOutcome.Detected detected) {
                CellDetections cells = detected.detections();
                metrics.detected(cells.scale() == null ? "UNKNOWN" : cells.scale().source(),
                        !cells.outOfDistribution().isEmpty());
                LOG.debugf("Image %s: %s (model %d ms) from %s", cells.imageId(), cells.counts(),
                        cells.inferenceMillis(), record);
            } else if (outcomes.get(i) instanceof DetectionOutcome.DeadLettered parked) {
                metrics.deadLettered();
                DeadLetter letter = parked.deadLetter();
                LOG.warnf("Image %s dead-lettered from %s: %s", letter.imageId(), record, letter.reason());
            }
        }
        LOG.infof("Batch of %d images from %s done in %d ms", outcomes.size(), describe(batch),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Where a record came from: topic, partition and offset. */
    private static String where(KafkaRecord<String, String> record) {
        return record.getTopic() + "-" + record.getPartition() + "@" + offset(record);
    }

    private static long offset(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
    }

    /** Partitions and offset ranges, for the log: records are named by where they came from, never by file. */
    private static String describe(List<KafkaRecord<String, String>> batch) {
        StringBuilder text = new StringBuilder();
        batch.stream().map(KafkaRecord::getPartition).distinct().sorted().forEach(p -> {
            long first = batch.stream().filter(r -> r.getPartition() == p).mapToLong(ImageUploadedConsumer::offset)
                    .min().orElse(-1);
            long last = batch.stream().filter(r -> r.getPartition() == p).mapToLong(ImageUploadedConsumer::offset)
                    .max().orElse(-1);
            text.append(text.isEmpty() ? "" : ", ").append(batch.get(0).getTopic()).append('-').append(p).append('@')
                    .append(first).append(first == last ? "" : ".." + last);
        });
        return text.toString();
    }
}
