package org.bloodcells.detection;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Finds cells in images with an EfficientDet ONNX model that follows {@code models/CONTRACT.md}.
 *
 * <p>Thread-safe: any number of threads may call the {@code detect} methods at once (ONNX Runtime sessions
 * support concurrent {@code run}; everything else is per call). Each run uses up to the intra-op threads given to
 * {@link #load}, so callers × intra-op threads should not exceed the cores.
 * {@link #close()} waits for detections in flight, so a service can swap models while serving; detecting on a
 * closed detector throws {@link IllegalStateException}.
 *
 * <p>It runs the model only through {@link ModelSession}, and only in {@link #infer}: what an image becomes before
 * ({@link InputPlanner}) and after ({@link TileMerge}, {@link ScaleSearch}, {@link CountThresholds}) needs no model,
 * so a caller that bounds its model runs bounds every one of them, an image's further looks included.
 */
public final class CellDetector implements AutoCloseable {

    /** Most input blocks (images × tiles × views) one model run takes; more run as several. */
    public static final int MAX_BLOCKS_PER_RUN = ModelSession.MAX_BLOCKS_PER_RUN;

    /** Idle model inputs kept for reuse, in images of one tile: more than a worker has in flight. */
    static final int KEPT_INPUT_IMAGES = 32;

    private final ModelSession session;
    private final ModelMetadata metadata;
    private final DetectorSettings settings;
    private final InputPlanner planner;
    private final PostProcessor postProcessor;
    private final InputBuffers inputs;
    private final TileMerge merge;
    private final CountThresholds countThresholds;

    private CellDetector(ModelSession session, DetectorSettings settings) {
        this.session = session;
        this.metadata = session.metadata();
        this.settings = settings;
        List<Flip> views = Flip.first(settings.testTimeFlips());
        long block = 3L * metadata.inputSize() * metadata.inputSize();
        // Idle inputs kept for reuse: as many blocks as 32 images of one tile, or a few tiled fields, take.
        this.inputs = new InputBuffers(KEPT_INPUT_IMAGES * block * views.size());
        this.planner = new InputPlanner(new Preprocessor(metadata.inputSize(), metadata.mean(), metadata.std()), views,
                metadata.domain(), inputs);
        this.postProcessor = new PostProcessor(session.anchors(), metadata.classes(), settings);
        this.merge = new TileMerge(postProcessor, views, metadata.classes());
        this.countThresholds = new CountThresholds(metadata.classes(), metadata.domain());
    }

    /**
     * Loads a model, checks it against the contract, and detects with the post-processing settings it carries.
     *
     * @param intraOpThreads ONNX Runtime threads one model run may use; callers running detections in parallel should
     *                       keep {@code intraOpThreads × callers} within the machine's cores
     * @throws ModelContractException if the file is missing or not a loadable ONNX model, or its metadata, input or
     *                                outputs differ from the contract (the message says how)
     */
    public static CellDetector load(Path modelFile, int intraOpThreads) {
        return load(modelFile, intraOpThreads, UnaryOperator.identity());
    }

    /** Like {@link #load(Path, int, UnaryOperator)}, on the CPU. */
    public static CellDetector load(Path modelFile, int intraOpThreads, UnaryOperator<DetectorSettings> adjust) {
        return load(modelFile, new SessionSettings(intraOpThreads, ExecutionProvider.CPU), adjust);
    }

    /**
     * Loads a model on the execution provider {@code runtime} selects, with the model's own post-processing settings
     * changed by {@code adjust} (for example COCO evaluation's score threshold, or fewer views for throughput).
     *
     * @throws IllegalArgumentException if the adjusted settings are impossible
     * @throws IllegalStateException    if a GPU provider is asked for by name and cannot be used
     */
    public static CellDetector load(Path modelFile, SessionSettings runtime, UnaryOperator<DetectorSettings> adjust) {
        return ModelSession.open(modelFile, runtime,
                session -> new CellDetector(session, adjust.apply(session.metadata().settings())),
                // a blank image: the run checks the model, its cells do not matter
                detector -> detector.infer(List.of(detector.prepare(new BufferedImage(1, 1,
                        BufferedImage.TYPE_3BYTE_BGR)))));
    }

    /**
     * The ONNX Runtime session options a detector runs with, for tools that run ONNX Runtime themselves and must
     * compare like with like (the worker benchmark's floor). The caller closes them.
     */
    public static OrtSession.SessionOptions sessionOptions(SessionSettings runtime) throws OrtException {
        return ModelSession.options(runtime);
    }

    public ModelInfo model() {
        return metadata.info();
    }

    /** The post-processing this detector runs: the model's own, as adjusted at {@link #load}. */
    public DetectorSettings settings() {
        return settings;
    }

    /** Per class of the model, the score from which a detection is counted: the model's, under this detector's floor. */
    public Map<String, Double> countThresholds() {
        return countThresholds.at(settings.scoreThreshold());
    }

    /** The execution provider asked for and the one the session runs on, with the reason where they differ. */
    public ExecutionProvider.Selection executionProvider() {
        return session.provider();
    }

    /** The post-processing the model carries in its metadata, whatever this detector was told to run. */
    public DetectorSettings modelSettings() {
        return metadata.settings();
    }

    /** The model's physical scale, count thresholds and training statistics, where its metadata has them. */
    public ModelDomain domain() {
        return metadata.domain();
    }

    /**
     * Decodes the bytes with the platform's decoder (the formats and limits ingest accepts; grey, indexed and CMYK
     * become RGB) and detects cells.
     *
     * @throws UnusableImageException if the bytes are not a complete image the platform accepts
     */
    public DetectionResult detect(byte[] imageBytes) throws UnusableImageException {
        return detect(ImageDecoder.decode(imageBytes, ImageLimits.PLATFORM));
    }

    public DetectionResult detect(BufferedImage image) {
        return detect(image, ImageScale.unknown());
    }

    /** Detects cells in an image of the given scale (see {@link #prepare(BufferedImage, ImageScale)}). */
    public DetectionResult detect(BufferedImage image, ImageScale scale) {
        return detectPrepared(List.of(prepare(image, scale))).get(0);
    }

    /**
     * Detects cells in several images with one model run (one run per image if the model's batch axis is fixed at
     * 1). Results are in the order of the images and equal what {@link #detect(BufferedImage)} returns for each,
     * up to float rounding in the model.
     */
    public List<DetectionResult> detectBatch(List<BufferedImage> images) {
        return detectPrepared(images.stream().map(this::prepare).toList());
    }

    private List<DetectionResult> detectPrepared(List<PreparedImage> prepared) {
        List<ModelOutputs> outputs = infer(prepared);
        List<DetectionResult> results = new ArrayList<>(prepared.size());
        for (int i = 0; i < prepared.size(); i++) {
            DetectionStep step = finish(prepared.get(i), outputs.get(i));
            while (step instanceof DetectionStep.RunAgain again) {
                step = finish(again.image(), infer(List.of(again.image())).get(0));
            }
            results.add(((DetectionStep.Done) step).result());
        }
        return results;
    }

    /** {@link #prepare(BufferedImage, ImageScale)} for an image whose scale is not known. */
    public PreparedImage prepare(BufferedImage image) {
        return prepare(image, ImageScale.unknown());
    }

    /**
     * The first of three steps a pipeline may run on different threads: the image made into this model's input, one
     * block per view of each tile. Needs no model run; any number of threads may prepare at once.
     *
     * <p>A model with a physical scale ({@link ModelDomain#hasScale()}) runs an image of known scale resampled to its
     * own: padded when it fits one input, cut into overlapping tiles when it does not. An image of unknown scale is
     * first fitted whole to the input, as a model without a scale runs every image; {@link #finish} then measures its
     * scale from the cells found and, where that takes another look ({@link ScaleSearch}), asks for it to be run.
     */
    public PreparedImage prepare(BufferedImage image, ImageScale scale) {
        return planner.prepare(this, image, scale, Double.NaN);
    }

    /**
     * {@link #prepare(BufferedImage, ImageScale)} for an image of unknown scale whose scale is likely
     * {@code likelyMicronsPerPixel} (what its scanner's earlier images measured): where that is not about the
     * whole-image fit's scale, the first look runs at it instead of the fit, so that an image like its scanner's
     * others takes one model run rather than two. The scale found on it is checked as any estimate is: cells that
     * tell another scale have the image run at that one, cells that tell none start the usual search. The likely
     * scale is ignored for an image of known scale and by a model without a physical scale.
     */
    public PreparedImage prepare(BufferedImage image, ImageScale scale, double likelyMicronsPerPixel) {
        return planner.prepare(this, image, scale, likelyMicronsPerPixel);
    }

    /**
     * The second step: the model run on prepared images (one run for all of them, or one per view block where the
     * model's batch axis is fixed at 1), their raw outputs in the same order.
     *
     * @throws IllegalArgumentException if an image was prepared by another detector
     * @throws InferenceException       if ONNX Runtime fails
     */
    public List<ModelOutputs> infer(List<PreparedImage> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        for (PreparedImage image : images) {
            if (image.owner != this) {
                throw new IllegalArgumentException("an image prepared for another model cannot run on " + metadata.name()
                        + " " + metadata.version());
            }
        }
        List<FloatBuffer> inputs = new ArrayList<>(images.size());
        try {
            for (PreparedImage image : images) {
                inputs.add(image.take());
            }
        } catch (IllegalStateException e) {
            for (int i = 0; i < inputs.size(); i++) {
                images.get(i).release(inputs.get(i));
            }
            throw new IllegalArgumentException("an image's input can run once: " + e.getMessage(), e);
        }
        int views = settings.testTimeFlips();
        ModelSession.Outputs run;
        try {
            run = session.run(inputs, (scores, boxes, block) -> postProcessor.candidates(scores, boxes, block, views));
        } finally {
            for (int i = 0; i < inputs.size(); i++) {
                images.get(i).release(inputs.get(i));
            }
        }
        int n = images.size();
        long modelShare = run.modelNanos() / n;
        long readShare = run.readNanos() / n;
        List<ModelOutputs> outputs = new ArrayList<>(n);
        int at = 0;
        for (PreparedImage image : images) {
            outputs.add(new ModelOutputs(this, run.blocks().subList(at, at + image.blocks), modelShare, readShare,
                    n));
            at += image.blocks;
        }
        return outputs;
    }

    /**
     * The third step: one image's outputs turned into its detections and counts (decoding, NMS, voting; tiles merged),
     * with its scale and the ways it is unlike the model's training images; or, for an image whose scale is searched
     * for, the next look at it where this one did not settle it, to be run through {@link #infer} and finished in
     * turn. Runs no model; any number of threads may finish at once.
     */
    public DetectionStep finish(PreparedImage image, ModelOutputs outputs) {
        if (image.owner != this || outputs.owner != this) {
            throw new IllegalArgumentException("an image prepared or run on another model cannot be finished by "
                    + metadata.name() + " " + metadata.version());
        }
        long started = System.nanoTime();
        long earlier = image.earlierNanos + image.prepareNanos + outputs.inferenceNanos + outputs.readNanos;
        List<Detection> found = merge.detections(image.tiles, outputs.blocks);
        ScaleSearch.Next next = image.search == null
                ? new ScaleSearch.Settled(found, new ScaleReport(image.scale, image.factor, image.tiles.size()),
                        image.notes)
                : image.search.after(found, image.factor, image.tiles.size(), image.notes);
        if (next instanceof ScaleSearch.Look look) {
            long spent = earlier + System.nanoTime() - started;
            return new DetectionStep.RunAgain(planner.prepare(this, image.pending, look).after(spent));
        }
        ScaleSearch.Settled settled = (ScaleSearch.Settled) next;
        List<Detection> detections = settled.detections();
        DomainCheck.Verdict verdict = DomainCheck.check(metadata.domain(), metadata.settings().scoreThreshold(),
                settled.scale(), image.colour, detections);
        List<String> unlike = new ArrayList<>(settled.notes());
        unlike.addAll(verdict.reasons());
        long nanos = earlier + System.nanoTime() - started;
        return new DetectionStep.Done(new DetectionResult(image.imageWidth, image.imageHeight, detections,
                countThresholds.count(detections, settings.scoreThreshold()), Math.round(nanos / 1e6),
                settled.scale(), unlike, verdict.doubt()));
    }

    /**
     * The counts the model's own settings give these detections, whatever this detector's score threshold: for tools
     * that detect with COCO's low threshold and must count as the workers do.
     */
    public Map<String, Integer> countsAsReleased(List<Detection> detections) {
        return countThresholds.count(detections, metadata.settings().scoreThreshold());
    }

    /** Releases the model's native memory once detections in flight have finished. */
    @Override
    public void close() {
        session.close();
        inputs.clear();
    }
}
