package org.bloodcells.detect.service;

import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.bloodcells.detect.metrics.StageClock;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.detect.metrics.WorkerMetrics.Stage;
import org.bloodcells.detect.storage.ImageMissingException;
import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.DetectionStep;
import org.bloodcells.detection.ImageScale;
import org.bloodcells.detection.InferenceException;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.detection.ModelOutputs;
import org.bloodcells.detection.PreparedImage;
import org.bloodcells.detection.ScannerScales;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.Scale;
import org.bloodcells.events.Thresholds;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;
import org.bloodcells.storage.StorageUnavailableException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.faulttolerance.api.TypedGuard;

/**
 * Turns a batch of {@code ImageUploaded} events, as received, into what became of each, in their order: the cells
 * found on its image, or a dead letter saying why there are none.
 *
 * <p>The batch is a pipeline on one model ({@link ModelLease}): each image is fetched, checked, decoded and prepared
 * on the bounded CPU pool, in parallel; as prepared images arrive they are run through the model in micro-batches of
 * up to {@code maxBatch} images, a run starting when it is full or {@code maxWait} after its first image, with up to
 * {@code parallelRuns} runs at once on the model pool; each image's outputs are post-processed on the CPU pool, in
 * its order of work (after the images still waiting to be prepared), while later micro-batches run. An image whose
 * scale is searched for may need further looks at other scales ({@code DetectionStep.RunAgain}): each is a model run
 * of its own in one of the same {@code parallelRuns} lanes ({@link RunLanes}), served before the next micro-batch. A
 * batch that fails skips what is still queued and ends what is running before it lets go of the model.
 *
 * <p>Only faults of the event or the image are dead-lettered: an event that is no {@code ImageUploaded}, an object
 * that does not exist, bytes that do not hash to the id, an image the platform cannot use. Everything else fails
 * the batch, so that it is redelivered rather than parked: object storage that stays unavailable past its retries
 * ({@link StorageUnavailableException}), ONNX Runtime failing ({@link InferenceException}), and any unexpected
 * exception, which is a bug in the worker rather than a fault of the image.
 */
public class ImageDetectionService {

    private static final Logger LOG = Logger.getLogger(ImageDetectionService.class);
    private static final String STAGE = "detect";

    /** Names the image reads in Fault Tolerance's logs and metrics. */
    static final String FETCH = "detect-worker image fetch";
    static final Duration FIRST_WAIT = Duration.ofMillis(500);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    private final ImageStore store;
    private final ModelLease.Source models;
    private final ObjectMapper json;
    private final String defaultBucket;
    private final String workerId;
    private final Clock clock;
    private final Executor pool;
    private final Executor modelPool;
    private final Pipeline pipeline;
    private final WorkerMetrics metrics;
    private final TypedGuard<ImageId.Identified> fetching;
    private final ScannerScales scannerScales;

    /**
     * @param maxBatch      most images per model run
     * @param maxWait       longest a model run waits for more prepared images once it has one
     * @param parallelRuns  model runs at once (the model pool must have as many threads)
     * @param fetchAttempts attempts to read one image while object storage is unavailable
     * @param fetchBudget   how long after a batch starts a new read may still be attempted (see {@code StorageBudget})
     */
    public record Pipeline(int maxBatch, Duration maxWait, int parallelRuns, int fetchAttempts, Duration fetchBudget) {

        public Pipeline {
            if (maxBatch < 1) {
                throw new IllegalArgumentException("the model's batch must be at least 1 image, was " + maxBatch);
            }
            if (parallelRuns < 1) {
                throw new IllegalArgumentException("at least one model run at a time, was " + parallelRuns);
            }
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("the batch wait cannot be negative, was " + maxWait);
            }
            if (fetchAttempts < 1) {
                throw new IllegalArgumentException("at least one attempt to fetch an image, was " + fetchAttempts);
            }
        }
    }

    public ImageDetectionService(ImageStore store, ModelLease.Source models, ObjectMapper json, String defaultBucket,
            String workerId, Clock clock, Executor pool, Executor modelPool, Pipeline pipeline, WorkerMetrics metrics,
            ScannerScales scannerScales) {
        this.store = store;
        this.models = models;
        this.json = json;
        this.defaultBucket = defaultBucket;
        this.workerId = workerId;
        this.clock = clock;
        this.pool = pool;
        this.modelPool = modelPool;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.scannerScales = scannerScales;
        this.fetching = fetching(pipeline);
    }

    /** One image's way through the pipeline: its index in the batch, and what its preparation came to. */
    private record Prepared(int index, ImageUploaded event, String raw, PreparedImage image, DetectionOutcome parked,
            RuntimeException failure) {
    }

    /**
     * @param rawEvents the record values exactly as they came off the topic (an element may be null for a tombstone)
     * @return one outcome per event, in their order
     * @throws StorageUnavailableException when an image could not be read within the retries and the fetch budget
     * @throws InferenceException          when ONNX Runtime failed for reasons that are not the image's
     * @throws IllegalStateException       when the worker failed for reasons that are not the image's (a bug)
     */
    public List<DetectionOutcome> process(List<String> rawEvents) {
        return process(rawEvents, () -> { });
    }

    /**
     * {@link #process(List)}, telling {@code handedOver} once every image of the batch has been handed to a model
     * run: what is left of the batch (its last runs, post-processing, further looks) no longer needs new images, so
     * the caller may start the next batch's fetching and preparing while it ends, and the model's lanes stay busy
     * from one batch to the next. Runs on the calling thread, once, at the latest when this returns or throws.
     */
    public List<DetectionOutcome> process(List<String> rawEvents, Runnable handedOver) {
        Runnable once = new Runnable() {
            private boolean told;

            @Override
            public synchronized void run() {
                if (!told) {
                    told = true;
                    handedOver.run();
                }
            }
        };
        try {
            return processBatch(rawEvents, once);
        } finally {
            once.run();
        }
    }

    private List<DetectionOutcome> processBatch(List<String> rawEvents, Runnable handedOver) {
        metrics.kafkaBatch(rawEvents.size());
        DetectionOutcome[] outcomes = new DetectionOutcome[rawEvents.size()];
        long fetchDeadline = System.nanoTime() + pipeline.fetchBudget().toNanos();
        // Uploads run on the running model; events of a re-processed batch name their version. Each group runs on
        // its own lease, one after the other.
        Map<ModelRef, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < rawEvents.size(); i++) {
            groups.computeIfAbsent(requestedModel(rawEvents.get(i)), k -> new ArrayList<>()).add(i);
        }
        int remaining = groups.size();
        for (Map.Entry<ModelRef, List<Integer>> group : groups.entrySet()) {
            // A re-processing group's extra model may be closed by the next batch's asking for another version:
            // only a group on the running model (held by its lease's read lock) hands over before it ends.
            Runnable dispatched = --remaining == 0 && group.getKey() == null ? handedOver : () -> { };
            List<Integer> indices = group.getValue();
            List<String> raws = indices.stream().map(rawEvents::get).toList();
            DetectionOutcome[] groupOutcomes = new DetectionOutcome[raws.size()];
            ModelLease lease;
            try {
                lease = group.getKey() == null ? models.lease() : models.lease(group.getKey());
            } catch (ModelLease.ModelUnavailableException e) {
                for (int j = 0; j < raws.size(); j++) {
                    groupOutcomes[j] = deadLetter(imageIdOf(raws.get(j)), e.getMessage(), raws.get(j));
                }
                copy(groupOutcomes, indices, outcomes);
                continue;
            }
            try (lease) {
                if (group.getKey() != null) {
                    ModelInfo info = lease.detector().model();
                    LOG.infof("Re-processing %d images with %s %s", raws.size(), info.name(), info.version());
                }
                detectGroup(raws, groupOutcomes, lease.detector(), fetchDeadline, dispatched);
            }
            copy(groupOutcomes, indices, outcomes);
        }
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] == null) {
                throw new IllegalStateException("no outcome for record " + i + " of the batch");
            }
        }
        metrics.scannerScales(scannerScales);
        return Collections.unmodifiableList(Arrays.asList(outcomes));
    }

    private void detectGroup(List<String> rawEvents, DetectionOutcome[] outcomes, CellDetector detector,
            long fetchDeadline, Runnable dispatched) {
        AtomicBoolean abandoned = new AtomicBoolean();
        List<CompletableFuture<Void>> started = new ArrayList<>();
        RunLanes lanes = new RunLanes(pipeline.parallelRuns());
        try {
            detectAll(rawEvents, outcomes, detector, fetchDeadline, abandoned, started, lanes, dispatched);
        } catch (RuntimeException | Error e) {
            // What is still queued is skipped, what is running ends before the model's lease does.
            abandoned.set(true);
            lanes.open();
            settle(started);
            throw e;
        } catch (InterruptedException e) {
            abandoned.set(true);
            lanes.open();
            settle(started);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while detecting a batch", e);
        }
    }

    private static void copy(DetectionOutcome[] from, List<Integer> indices, DetectionOutcome[] to) {
        for (int j = 0; j < from.length; j++) {
            to[indices.get(j)] = from[j];
        }
    }

    /** The version an event asks for; null for an upload, or an event that does not parse (dead-lettered later). */
    private ModelRef requestedModel(String raw) {
        try {
            return parse(raw).model();
        } catch (InvalidEventException | RuntimeException e) {
            return null;
        }
    }

    private String imageIdOf(String raw) {
        try {
            return parse(raw).imageId();
        } catch (InvalidEventException | RuntimeException e) {
            return null;
        }
    }

    private void detectAll(List<String> rawEvents, DetectionOutcome[] outcomes, CellDetector detector, long fetchDeadline,
            AtomicBoolean abandoned, List<CompletableFuture<Void>> started, RunLanes lanes, Runnable dispatched)
            throws InterruptedException {
        BlockingQueue<Prepared> ready = new LinkedBlockingQueue<>();
        int pending = 0;
        for (int i = 0; i < rawEvents.size(); i++) {
            String raw = rawEvents.get(i);
            ImageUploaded event;
            try {
                event = parse(raw);
            } catch (InvalidEventException e) {
                outcomes[i] = deadLetter(e.imageId, e.getMessage(), raw);
                continue;
            }
            int index = i;
            pending++;
            started.add(CompletableFuture.runAsync(() -> {
                if (!abandoned.get()) {
                    ready.add(prepare(index, event, raw, detector, fetchDeadline));
                }
            }, pool).exceptionally(e -> {
                ready.add(new Prepared(index, event, raw, null, null, unwrap(e)));
                return null;
            }));
        }
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        while (pending > 0) {
            // A lane first, then the images ready by then: a micro-batch waits for a free run, not the reverse.
            lanes.acquire();
            failureOf(runs);
            List<Prepared> batch = nextBatch(ready, pending);
            pending -= batch.size();
            List<Prepared> runnable = new ArrayList<>(batch.size());
            for (Prepared prepared : batch) {
                if (prepared.failure() != null) {
                    throw prepared.failure();
                }
                if (prepared.parked() != null) {
                    outcomes[prepared.index()] = prepared.parked();
                } else {
                    runnable.add(prepared);
                }
            }
            if (runnable.isEmpty()) {
                lanes.release();
                continue;
            }
            List<PreparedImage> inputs = runnable.stream().map(Prepared::image).toList();
            CompletableFuture<Void> modelRun = CompletableFuture.supplyAsync(() -> run(inputs, detector), modelPool)
                    .whenComplete((outputs, failure) -> lanes.release())
                    .thenCompose(outputs -> {
                        List<CompletableFuture<Void>> finished = new ArrayList<>(runnable.size());
                        for (int j = 0; j < runnable.size(); j++) {
                            finished.add(finish(runnable.get(j), inputs.get(j), outputs.get(j), detector, outcomes,
                                    abandoned, lanes));
                        }
                        return CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new));
                    });
            runs.add(modelRun);
            started.add(modelRun);
        }
        dispatched.run();
        for (CompletableFuture<Void> run : runs) {
            try {
                run.join();
            } catch (CompletionException e) {
                throw unwrap(e);
            }
        }
    }

    /** Waits for every task of a failed batch to end, whatever it ends with. */
    private static void settle(List<CompletableFuture<Void>> started) {
        for (CompletableFuture<Void> task : started) {
            try {
                task.join();
            } catch (CompletionException | CancellationException e) {
                // the batch has already failed with its first failure
            }
        }
    }

    /**
     * An image's outputs post-processed on the CPU pool into its outcome; where that asks for another look at the
     * image, the look runs as a model run of its own, in a lane like every other, and is finished in turn.
     */
    private CompletableFuture<Void> finish(Prepared prepared, PreparedImage image, ModelOutputs outputs,
            CellDetector detector, DetectionOutcome[] outcomes, AtomicBoolean abandoned, RunLanes lanes) {
        return CompletableFuture.supplyAsync(() -> abandoned.get() ? null : finish(image, outputs, detector), pool)
                .thenCompose(step -> {
                    if (step instanceof DetectionStep.Done done) {
                        outcomes[prepared.index()] = new DetectionOutcome.Detected(
                                toEvent(prepared.event().imageId(), done.result(), detector));
                        scannerScales.observed(prepared.event().scannerId(), done.result().scale().scale(),
                                !done.result().outOfDistribution().isEmpty());
                    }
                    if (!(step instanceof DetectionStep.RunAgain again)) {
                        return CompletableFuture.completedFuture(null);
                    }
                    List<PreparedImage> look = List.of(again.image());
                    return lanes.next()
                            .thenApplyAsync(lane -> abandoned.get() ? null : run(look, detector), modelPool)
                            .whenComplete((lookOutputs, failure) -> lanes.release())
                            .thenCompose(lookOutputs -> lookOutputs == null ? CompletableFuture.completedFuture(null)
                                    : finish(prepared, again.image(), lookOutputs.get(0), detector, outcomes,
                                            abandoned, lanes));
                });
    }

    /** One model run on a micro-batch, its time shared by its images. */
    private List<ModelOutputs> run(List<PreparedImage> images, CellDetector detector) {
        List<ModelOutputs> outputs = detector.infer(images);
        metrics.modelBatch(images.size());
        for (ModelOutputs output : outputs) {
            metrics.time(Stage.INFERENCE, output.inferenceNanos());
        }
        return outputs;
    }

    /** Throws what an earlier model run or its post-processing failed with, so the batch stops early. */
    private static void failureOf(List<CompletableFuture<Void>> runs) {
        for (CompletableFuture<Void> run : runs) {
            if (run.isCompletedExceptionally()) {
                try {
                    run.join();
                } catch (CompletionException e) {
                    throw unwrap(e);
                }
            }
        }
    }

    /** The first prepared image, then as many more as arrive before the batch is full or its wait is over. */
    private List<Prepared> nextBatch(BlockingQueue<Prepared> ready, int pending) throws InterruptedException {
        List<Prepared> batch = new ArrayList<>();
        batch.add(ready.take());
        long deadline = System.nanoTime() + pipeline.maxWait().toNanos();
        while (batch.size() < Math.min(pipeline.maxBatch(), pending)) {
            Prepared next = ready.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private Prepared prepare(int index, ImageUploaded event, String raw, CellDetector detector, long fetchDeadline) {
        String bucket = event.bucket() == null || event.bucket().isBlank() ? defaultBucket : event.bucket();
        ImageId.Identified read;
        StageClock clock = StageClock.start();
        try {
            read = fetch(bucket, event.objectKey(), fetchDeadline);
        } catch (ImageMissingException e) {
            return parked(index, event, raw, e.getMessage());
        }
        clock.lap(metrics, Stage.FETCH);
        if (!read.id().equals(event.imageId())) {
            // Counts stored under the wrong id would be attributed to another image.
            return parked(index, event, raw, "Stored bytes have SHA-256 " + read.id() + ", not the event's imageId");
        }
        BufferedImage image;
        try {
            image = ImageDecoder.decode(read.bytes(), ImageLimits.PLATFORM);
        } catch (UnusableImageException e) {
            return parked(index, event, raw, "Unusable image (" + e.reason() + "): " + e.getMessage());
        }
        clock.lap(metrics, Stage.DECODE);
        ImageScale given = scaleOf(event);
        // An image of unknown scale is first looked at where its scanner's earlier images were measured, if they agree.
        PreparedImage prepared = given.known() ? detector.prepare(image, given)
                : detector.prepare(image, given, scannerScales.likely(event.scannerId()).orElse(Double.NaN));
        clock.lap(metrics, Stage.PREPARE);
        return new Prepared(index, event, raw, prepared, null, null);
    }

    /**
     * Reads the image through {@link #fetching}, as long as the batch's fetch budget allows: no read starts past the
     * batch's deadline, and a read whose wait before the next attempt would end past it is not retried.
     */
    private ImageId.Identified fetch(String bucket, String objectKey, long deadline) throws ImageMissingException {
        AtomicInteger attempts = new AtomicInteger();
        try {
            return fetching.call(() -> {
                int attempt = attempts.incrementAndGet();
                if (System.nanoTime() > deadline) {
                    // A read that began now could end after the records are too old for the committer (StorageBudget).
                    throw new FetchBudgetSpent("the batch's fetch budget (" + pipeline.fetchBudget()
                            + ") was spent before " + bucket + "/" + objectKey + " could be read", null);
                }
                try {
                    return store.fetch(bucket, objectKey);
                } catch (StorageUnavailableException e) {
                    if (System.nanoTime() + waitAfter(attempt).toNanos() > deadline) {
                        throw new FetchBudgetSpent("the batch's fetch budget (" + pipeline.fetchBudget()
                                + ") was spent while reading " + bucket + "/" + objectKey, e);
                    }
                    throw e;
                }
            });
        } catch (ImageMissingException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting to read " + bucket + "/" + objectKey, e);
        } catch (Exception e) {
            throw new IllegalStateException("reading " + bucket + "/" + objectKey + " failed: " + e, e);
        }
    }

    /** The wait {@link #fetching} makes after the given failed attempt (1, 2, ...). */
    static Duration waitAfter(int attempt) {
        long millis = FIRST_WAIT.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, LONGEST_WAIT.toMillis()));
    }

    /**
     * Reads retried while object storage is unavailable: up to the configured attempts, waiting {@link #FIRST_WAIT}
     * and doubling, each wait at most {@link #LONGEST_WAIT} ({@link #waitAfter}). The batch's deadline is the
     * attempts' own check, since Fault Tolerance's maxDuration counts from each read, not from the batch: a failed read
     * whose wait would end past the deadline is not retried, so no wait and no read runs past it.
     */
    private static TypedGuard<ImageId.Identified> fetching(Pipeline pipeline) {
        return TypedGuard.create(ImageId.Identified.class)
                .withDescription(FETCH)
                .withRetry()
                .maxRetries(pipeline.fetchAttempts() - 1)
                .delay(FIRST_WAIT.toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(0, ChronoUnit.MILLIS)
                .whenException(e -> e instanceof StorageUnavailableException && !(e instanceof FetchBudgetSpent))
                .withExponentialBackoff().factor(2).maxDelay(LONGEST_WAIT.toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .build();
    }

    /** Object storage still unavailable when the batch's fetch budget ran out: the batch fails, and is not retried. */
    private static final class FetchBudgetSpent extends StorageUnavailableException {

        FetchBudgetSpent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private DetectionStep finish(PreparedImage image, ModelOutputs outputs, CellDetector detector) {
        StageClock clock = StageClock.start();
        DetectionStep step = detector.finish(image, outputs);
        // Reading the candidates off the run's outputs is post-processing done on the model's thread, one pass.
        clock.lap(metrics, Stage.POSTPROCESS, outputs.readNanos());
        return step;
    }

    private CellDetections toEvent(String imageId, DetectionResult result, CellDetector detector) {
        ModelInfo model = detector.model();
        List<DetectedCell> cells = result.detections().stream()
                .map(d -> new DetectedCell(d.cellClass(), d.score(), d.x1(), d.y1(), d.x2(), d.y2()))
                .toList();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String cellClass : model.classes()) {
            counts.put(cellClass, result.counts().getOrDefault(cellClass, 0));
        }
        ImageScale used = result.scale().scale();
        return new CellDetections(imageId, model.name(), model.version(),
                result.imageWidth(), result.imageHeight(), cells, Collections.unmodifiableMap(counts),
                result.inferenceMillis(), workerId, clock.instant(),
                new Scale(used.known() ? used.micronsPerPixel() : null, used.source().name()), result.scale().tiles(),
                result.outOfDistribution(), new Thresholds(detector.settings().scoreThreshold(),
                        detector.countThresholds(), detector.settings().describe()), result.doubt());
    }

    private ImageUploaded parse(String rawEvent) throws InvalidEventException {
        if (rawEvent == null || rawEvent.isBlank()) {
            throw new InvalidEventException("Empty event", null);
        }
        ImageUploaded event;
        try {
            event = json.readValue(rawEvent, ImageUploaded.class);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("Event is not a valid ImageUploaded JSON: " + e.getOriginalMessage(), null);
        }
        if (event == null) {
            throw new InvalidEventException("Event is JSON null", null);
        }
        Optional<String> problem = event.problem();
        if (problem.isPresent()) {
            // an id that is no SHA-256 names no image: the dead letter then names none either
            throw new InvalidEventException("Event breaks the ImageUploaded contract: " + problem.get(),
                    ImageId.isWellFormed(event.imageId()) ? event.imageId() : null);
        }
        return event;
    }

    private static ImageScale scaleOf(ImageUploaded event) {
        Scale scale = event.scale();
        return scale == null || scale.micronsPerPixel() == null ? ImageScale.unknown()
                : new ImageScale(scale.micronsPerPixel(), ImageScale.Source.valueOf(scale.source()));
    }

    private Prepared parked(int index, ImageUploaded event, String raw, String reason) {
        return new Prepared(index, event, raw, null, deadLetter(event.imageId(), reason, raw), null);
    }

    private DetectionOutcome deadLetter(String imageId, String reason, String rawEvent) {
        return new DetectionOutcome.DeadLettered(new DeadLetter(imageId, STAGE, reason, rawEvent, clock.instant()));
    }

    private static RuntimeException unwrap(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new IllegalStateException("detection failed: " + cause, cause);
    }

    private static final class InvalidEventException extends Exception {

        /** Null unless the event got far enough to name its image. */
        final String imageId;

        InvalidEventException(String message, String imageId) {
            super(message);
            this.imageId = imageId;
        }
    }
}
