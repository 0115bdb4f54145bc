package org.bloodcells.detect.metrics;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.bloodcells.detection.ModelInfo;
import org.bloodcells.detection.ScannerScales;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * What ops watch on a detect worker (Prometheus names at {@code /q/metrics}): images processed and dead-lettered,
 * the time of each stage per image, the sizes of Kafka batches and model runs, and the model and execution
 * provider in use. The consumer lag of {@code images-uploaded} comes from the Kafka client's own metrics.
 */
public class WorkerMetrics {

    /** The stages an image passes; each has a timer {@code bloodcells_worker_stage_seconds{stage=...}}. */
    public enum Stage {
        FETCH, DECODE, PREPARE, INFERENCE, POSTPROCESS, PUBLISH;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Counter detected;
    private final Counter deadLettered;
    private final Timer[] stages = new Timer[Stage.values().length];
    private final Timer[] stagesCpu = new Timer[Stage.values().length];
    private final DistributionSummary kafkaBatch;
    private final DistributionSummary modelBatch;
    private final MultiGauge model;
    private final MultiGauge scannerScales;
    private final MeterRegistry registry;
    private final Counter flaggedImages;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        flaggedImages = Counter.builder("bloodcells.worker.out.of.distribution")
                .description("images detected but flagged as unlike the model's training images").register(registry);
        detected = Counter.builder("bloodcells.worker.images").tag("outcome", "detected")
                .description("images whose detections were published").register(registry);
        deadLettered = Counter.builder("bloodcells.worker.images").tag("outcome", "dead_lettered")
                .description("images parked on the dead-letter topic with their reason").register(registry);
        for (Stage stage : Stage.values()) {
            stages[stage.ordinal()] = Timer.builder("bloodcells.worker.stage").tag("stage", stage.label())
                    .description("time one image spends in a stage (a model run's time is shared by its images)")
                    .publishPercentileHistogram().register(registry);
            if (stage != Stage.INFERENCE) {
                // the model run's threads are ONNX Runtime's: its CPU is not the worker's to tell
                stagesCpu[stage.ordinal()] = Timer.builder("bloodcells.worker.stage.cpu").tag("stage", stage.label())
                        .description("CPU time the worker's own thread spent on one image in a stage")
                        .register(registry);
            }
        }
        kafkaBatch = DistributionSummary.builder("bloodcells.worker.batch.records")
                .description("records per batch taken from images-uploaded").register(registry);
        modelBatch = DistributionSummary.builder("bloodcells.worker.inference.batch.images")
                .description("images per model run").register(registry);
        scannerScales = MultiGauge.builder("bloodcells.worker.scanner.microns.per.pixel")
                .description("each scanner's scale as this worker measured it on its images of unknown scale, "
                        + "reused as their first look (declare it in ingest to skip the estimate)")
                .register(registry);
        model = MultiGauge.builder("bloodcells.worker.model")
                .description("1 for the model this worker runs, tagged with its name, version and execution provider")
                .register(registry);
    }

    public void detected() {
        detected.increment();
    }

    /**
     * An image whose counts were published flagged as unlike the model's training images, and how its scale was
     * known: ops see how much of the load the model was not made for, and which scanners declare no scale.
     */
    public void detected(String scaleSource, boolean flagged) {
        detected();
        Counter.builder("bloodcells.worker.scale").tag("source", scaleSource)
                .description("images detected, by where their scale came from").register(registry).increment();
        if (flagged) {
            flaggedImages.increment();
        }
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    public void time(Stage stage, long nanos) {
        stages[stage.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A stage's wall time and its thread's CPU time for one image; a negative CPU time is not recorded. */
    public void time(Stage stage, long nanos, long cpuNanos) {
        time(stage, nanos);
        if (cpuNanos >= 0 && stagesCpu[stage.ordinal()] != null) {
            stagesCpu[stage.ordinal()].record(cpuNanos, TimeUnit.NANOSECONDS);
        }
    }

    public void kafkaBatch(int records) {
        kafkaBatch.record(records);
    }

    public void modelBatch(int images) {
        modelBatch.record(images);
    }

    /** A model version this worker was told to run (promoted, or for a re-processed batch) and could not. */
    public void modelRejected(String name, String version) {
        Counter.builder("bloodcells.worker.model.rejected").tag("name", name).tag("version", version)
                .description("model versions this worker refused to run (checksum, contract, storage)")
                .register(registry).increment();
    }

    /** The scanners whose measured scale is reused now, by scanner id, read when scraped; those no longer go. */
    public void scannerScales(ScannerScales scales) {
        scannerScales.register(scales.learned().keySet().stream()
                .map(scanner -> MultiGauge.Row.of(Tags.of("scanner", scanner), scales,
                        s -> s.likely(scanner).orElse(Double.NaN)))
                .toList(), true);
    }

    /** The model now running; the previous one's gauge goes. */
    public void modelInUse(ModelInfo info, String executionProvider) {
        model.register(List.of(MultiGauge.Row.of(Tags.of("name", info.name(), "version", info.version(),
                "provider", executionProvider), 1)), true);
    }
}
