package org.bloodcells.detection;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;

import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
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
 */
public final class CellDetector implements AutoCloseable {

    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final ModelMetadata metadata;
    private final ModelSignature signature;
    private final Preprocessor preprocessor;
    private final PostProcessor postProcessor;
    private final int anchorCount;
    private final DetectorSettings settings;
    private final ExecutionProvider.Selection provider;
    private final List<Flip> views;
    private static final ThreadLocal<FloatBuffer> INPUT_BUFFERS = new ThreadLocal<>();

    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private CellDetector(OrtSession session, OrtSession.SessionOptions options, ModelMetadata metadata,
            ModelSignature signature, AnchorGrid anchors, DetectorSettings settings,
            ExecutionProvider.Selection provider) {
        this.session = session;
        this.options = options;
        this.metadata = metadata;
        this.signature = signature;
        this.settings = settings;
        this.provider = provider;
        this.views = Flip.first(settings.testTimeFlips());
        this.anchorCount = anchors.size();
        this.preprocessor = new Preprocessor(metadata.inputSize(), metadata.mean(), metadata.std());
        this.postProcessor = new PostProcessor(anchors, metadata.classes(), settings);
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
        if (!Files.isRegularFile(modelFile)) {
            throw new ModelContractException("Model file not found: " + modelFile.toAbsolutePath());
        }
        ExecutionProvider.Selection provider = runtime.provider().select(OrtEnvironment.getAvailableProviders());
        if (provider.used() == ExecutionProvider.CPU) {
            return open(modelFile, runtime.intraOpThreads(), adjust, provider);
        }
        try {
            return open(modelFile, runtime.intraOpThreads(), adjust, provider);
        } catch (GpuFailure e) {
            if (provider.requested() != ExecutionProvider.AUTO) {
                throw new IllegalStateException(provider.used() + " execution provider " + e.getMessage(),
                        e.getCause());
            }
            // A GPU build on a machine whose GPU does not start or run: auto falls back, and says why.
            return open(modelFile, runtime.intraOpThreads(), adjust, new ExecutionProvider.Selection(
                    provider.requested(), ExecutionProvider.CPU, Optional.of(provider.used() + " is offered but "
                            + e.getMessage() + "; running on CPU")));
        }
    }

    /** A GPU execution provider that did not start, or failed its first run; its message says which. */
    private static final class GpuFailure extends RuntimeException {

        GpuFailure(String message, Exception cause) {
            super(message + " (" + cause.getMessage() + ")", cause);
        }
    }

    private static CellDetector open(Path modelFile, int intraOpThreads, UnaryOperator<DetectorSettings> adjust,
            ExecutionProvider.Selection provider) {
        boolean gpu = provider.used() != ExecutionProvider.CPU;
        OrtSession.SessionOptions options = null;
        OrtSession session = null;
        ModelMetadata metadata;
        ModelSignature signature;
        AnchorGrid anchors;
        try {
            options = options(intraOpThreads, provider.used());
            try {
                session = OrtEnvironment.getEnvironment().createSession(modelFile.toString(), options);
            } catch (OrtException e) {
                if (gpu) {
                    throw new GpuFailure("failed to start", e);
                }
                throw e;
            }
            metadata = ModelMetadata.parse(session.getMetadata().getCustomMetadata());
            anchors = AnchorGrid.of(metadata);
            signature = ModelSignature.check(session.getInputInfo(), session.getOutputInfo(), metadata,
                    anchors.size());
        } catch (GpuFailure e) {
            closeQuietly(session, options);
            throw e;
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session, options);
            throw contractFailure(modelFile, e);
        }
        DetectorSettings settings;
        try {
            settings = adjust.apply(metadata.settings());
        } catch (RuntimeException e) {
            closeQuietly(session, options);
            throw e;
        }
        CellDetector detector = new CellDetector(session, options, metadata, signature, anchors, settings, provider);
        try {
            // One run on a blank image checks the output shapes the declaration may leave open, and takes
            // ONNX Runtime's lazy initialisation out of the first real detection.
            detector.inferOpen(List.of(detector.prepare(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR))));
            return detector;
        } catch (RuntimeException e) {
            detector.close();
            if (gpu && e instanceof InferenceException) {
                throw new GpuFailure("failed its first run", e);
            }
            throw contractFailure(modelFile, e);
        }
    }

    /**
     * The ONNX Runtime session options a detector runs with, for tools that run ONNX Runtime themselves and must
     * compare like with like (the worker benchmark's floor). The caller closes them.
     */
    public static OrtSession.SessionOptions sessionOptions(SessionSettings runtime) throws OrtException {
        return options(runtime.intraOpThreads(), runtime.provider().select(OrtEnvironment.getAvailableProviders())
                .used());
    }

    private static OrtSession.SessionOptions options(int intraOpThreads, ExecutionProvider provider)
            throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (provider == ExecutionProvider.TENSORRT) {
                options.addTensorrt(0);
            }
            if (provider == ExecutionProvider.TENSORRT || provider == ExecutionProvider.CUDA) {
                options.addCUDA(0);
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static ModelContractException contractFailure(Path modelFile, Exception e) {
        if (e instanceof ModelContractException contract) {
            return new ModelContractException(modelFile.getFileName() + ": " + contract.getMessage(), contract);
        }
        return new ModelContractException(modelFile.getFileName() + ": not a loadable ONNX model: " + e.getMessage(),
                e);
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
        return countThresholds(settings.scoreThreshold());
    }

    /** Per class, the score from which a detection is counted when nothing under {@code floor} is. */
    private Map<String, Double> countThresholds(double floor) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String cellClass : metadata.classes()) {
            thresholds.put(cellClass, metadata.domain().countThreshold(cellClass, floor));
        }
        return thresholds;
    }

    /** The execution provider asked for and the one the session runs on, with the reason where they differ. */
    public ExecutionProvider.Selection executionProvider() {
        return provider;
    }

    /** The post-processing the model carries in its metadata, whatever this detector was told to run. */
    public DetectorSettings modelSettings() {
        return metadata.settings();
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
            results.add(finish(prepared.get(i), outputs.get(i)));
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
     * scale from the cells found (looking again at other magnifications, {@link #SEARCH}, where too few are found)
     * and, where it differs from the look that measured it by more than {@value #ESTIMATE_TOLERANCE}, runs it again
     * at the measured scale.
     */
    public PreparedImage prepare(BufferedImage image, ImageScale scale) {
        long started = System.nanoTime();
        RgbImage rgb = RgbImage.of(image);
        ModelDomain domain = metadata.domain();
        if (domain.hasScale() && scale.known()) {
            return prepareAt(rgb, scale.micronsPerPixel() / domain.inputMicronsPerPixel(), scale, false, null,
                    started);
        }
        double fit = Letterbox.of(rgb.width(), rgb.height(), preprocessor.inputSize()).scale();
        return prepareAt(rgb, fit, scale, true, domain.hasScale() ? rgb : null, started);
    }

    /** Most input blocks (images × tiles × views) one model run takes: a GPU's batch, not a tiled field's all. */
    static final int MAX_BLOCKS_PER_RUN = 64;

    /** How far an estimated scale may lie from the whole-image fit before the image is run again at it. */
    static final double ESTIMATE_TOLERANCE = 0.15;
    /** Confident cells of the reference class needed to estimate a scale. */
    static final int MIN_REFERENCE_CELLS = 3;
    /**
     * Where the whole-image fit finds too few reference cells to tell the scale, the magnifications (relative to the
     * fit) tried next, in order: half (a magnified field), twice (a wide field, in tiles), a third.
     */
    static final double[] SEARCH = {0.5, 2, 1.0 / 3};
    /** Tiles overlap by this many reference-cell diameters, more than the largest cell (a white cell is about 2). */
    static final double OVERLAP_DIAMETERS = 2.5;
    /**
     * Most tiles one image may take (a 2 400 × 1 800 field at BCCD's scale takes 30); an image that would take more
     * is fitted whole and flagged.
     */
    static final int MAX_TILES = 36;
    /** Neighbouring tiles may both find a cell near their shared core edge: same-class boxes overlapping this much
     * are one cell. */
    static final double CROSS_TILE_IOU = 0.6;

    private PreparedImage prepareAt(RgbImage rgb, double factor, ImageScale scale, boolean fitWhole, RgbImage pending,
            long started) {
        int s = preprocessor.inputSize();
        int w = rgb.width();
        int h = rgb.height();
        ModelDomain domain = metadata.domain();
        List<TilePlan.Tile> plan = fitWhole
                ? List.of(new TilePlan.Tile(0, 0, w, h, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE,
                        Integer.MAX_VALUE))
                // an image pixel covers factor × input µm: the overlap in image pixels follows from the factor alone
                : TilePlan.plan(w, h, factor, s, (int) Math.ceil(OVERLAP_DIAMETERS * domain.referenceMicrons()
                        / (factor * domain.inputMicronsPerPixel())));
        if (plan.size() > MAX_TILES) {
            // A coarse scale on a large image would take more model runs and memory than one image may: run it
            // fitted whole, and say why its counts are not to be trusted.
            PreparedImage whole = prepareAt(rgb, Letterbox.of(w, h, s).scale(), scale, true, null, started);
            return whole.withNote(String.format(java.util.Locale.ROOT, "scale not applied: at %.3f µm per pixel "
                    + "the image would take %d tiles (at most %d)", factor * domain.inputMicronsPerPixel(),
                    plan.size(), MAX_TILES));
        }
        int length = preprocessor.tensorLength();
        int blocks = plan.size() * views.size();
        float[] chw = new float[Math.multiplyExact(length, blocks)];
        // Bilinear resampling reads 2 source pixels per output pixel: at the model's scale, shrink by whole blocks
        // first, so that no more than half the pixels are skipped. (The whole-image fit resamples as the contract
        // and the trainer do, without it.)
        int shrink = !fitWhole && factor < 0.5 ? (int) Math.floor(1 / factor) : 1;
        List<PreparedImage.Placed> placed = new ArrayList<>(plan.size());
        int offset = 0;
        for (TilePlan.Tile tile : plan) {
            Letterbox box = fitWhole ? Letterbox.of(w, h, s) : Letterbox.at(tile.width(), tile.height(), factor, s);
            preprocessor.write(rgb.crop(tile.x(), tile.y(), tile.width(), tile.height()).shrink(shrink), box,
                    FloatBuffer.wrap(chw, offset, length));
            for (int v = 1; v < views.size(); v++) {
                views.get(v).applyInto(chw, offset, chw, offset + v * length, 3, s, box.resizedWidth(),
                        box.resizedHeight());
            }
            placed.add(new PreparedImage.Placed(tile, box));
            offset += views.size() * length;
        }
        return new PreparedImage(this, chw, placed, blocks, w, h, scale, factor, pending, rgb.meanColour(),
                System.nanoTime() - started);
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
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("Detector for model " + metadata.name() + " " + metadata.version()
                        + " is closed");
            }
            return inferOpen(images);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<ModelOutputs> inferOpen(List<PreparedImage> images) {
        long started = System.nanoTime();
        int n = images.size();
        int length = preprocessor.tensorLength();
        int blocks = images.stream().mapToInt(i -> i.blocks).sum();
        FloatBuffer input = inputBuffer(blocks * length);
        for (PreparedImage image : images) {
            input.put(image.input);
        }
        int classCount = metadata.classes().size();
        float[] scores = new float[blocks * anchorCount * classCount];
        float[] boxes = new float[blocks * anchorCount * 4];
        // A model with a fixed batch of 1 gets one run per block; a batchable one at most MAX_BLOCKS_PER_RUN.
        int perRun = signature.batchable() ? Math.min(blocks, MAX_BLOCKS_PER_RUN) : 1;
        for (int first = 0; first < blocks; first += perRun) {
            int count = Math.min(perRun, blocks - first);
            input.position(first * length).limit((first + count) * length);
            infer(input.slice(), count, scores, first * anchorCount * classCount, boxes, first * anchorCount * 4);
        }
        long share = (System.nanoTime() - started) / n;
        if (n == 1) {
            return List.of(new ModelOutputs(this, scores, boxes, share, 1));
        }
        List<ModelOutputs> outputs = new ArrayList<>(n);
        int at = 0;
        for (PreparedImage image : images) {
            outputs.add(new ModelOutputs(this,
                    Arrays.copyOfRange(scores, at * anchorCount * classCount,
                            (at + image.blocks) * anchorCount * classCount),
                    Arrays.copyOfRange(boxes, at * anchorCount * 4, (at + image.blocks) * anchorCount * 4), share, n));
            at += image.blocks;
        }
        return outputs;
    }

    /**
     * A native buffer for a run's input, kept per thread and grown as needed: allocating and zeroing megabytes of
     * native memory for every run costs time the model could use, and the thread that runs the model is the only one
     * that fills it.
     */
    private static FloatBuffer inputBuffer(int floats) {
        FloatBuffer buffer = INPUT_BUFFERS.get();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            INPUT_BUFFERS.set(buffer);
        }
        buffer.clear();
        return buffer.limit(floats);
    }

    /**
     * The third step: one image's outputs turned into its detections and counts (decoding, NMS, voting; tiles merged),
     * with its scale and the ways it is unlike the model's training images. Needs no model run, except for an image
     * whose estimated scale differs from the whole-image fit, which runs again here at that scale; any number of
     * threads may finish at once.
     */
    public DetectionResult finish(PreparedImage image, ModelOutputs outputs) {
        if (image.owner != this || outputs.owner != this) {
            throw new IllegalArgumentException("an image prepared or run on another model cannot be finished by "
                    + metadata.name() + " " + metadata.version());
        }
        long started = System.nanoTime();
        long earlier = image.prepareNanos + outputs.inferenceNanos;
        List<Detection> detections = detections(image, outputs);
        ScaleReport scale = new ScaleReport(image.scale, image.factor, image.tiles.size());
        List<String> unlike = new ArrayList<>(image.notes);
        if (image.pending != null) {
            ModelDomain domain = metadata.domain();
            double mpp = ScaleEstimate.micronsPerPixel(detections, domain, image.imageWidth, image.imageHeight);
            double ranAt = image.factor;
            int ranTiles = 1;
            // Cells far from the model's size are seldom found confidently: look again at other magnifications, the
            // first that finds enough reference cells tells the scale.
            for (int i = 0; Double.isNaN(mpp) && i < SEARCH.length; i++) {
                PreparedImage look = prepareAt(image.pending, image.factor * SEARCH[i], image.scale, false, null,
                        System.nanoTime());
                List<Detection> seen = detections(look, infer(List.of(look)).get(0));
                mpp = ScaleEstimate.micronsPerPixel(seen, domain, image.imageWidth, image.imageHeight);
                if (!Double.isNaN(mpp)) {
                    detections = seen;
                    ranAt = look.factor;
                    ranTiles = look.tiles.size();
                }
            }
            if (!Double.isNaN(mpp)) {
                ImageScale estimated = new ImageScale(mpp, ImageScale.Source.ESTIMATED);
                double factor = mpp / domain.inputMicronsPerPixel();
                if (Math.abs(factor / ranAt - 1) <= ESTIMATE_TOLERANCE) {
                    // near enough: the pass that measured it ran the image at about the model's scale
                    scale = new ScaleReport(estimated, ranAt, ranTiles);
                } else {
                    PreparedImage again = prepareAt(image.pending, factor, estimated, false, null, System.nanoTime());
                    ModelOutputs second = infer(List.of(again)).get(0);
                    detections = detections(again, second);
                    // again.factor is the fit where the measured scale would take too many tiles (its note says so)
                    scale = new ScaleReport(estimated, again.factor, again.tiles.size());
                    unlike.addAll(again.notes);
                }
            }
        }
        unlike.addAll(DomainCheck.reasons(metadata.domain(), metadata.settings().scoreThreshold(), scale,
                image.colour, detections));
        long nanos = earlier + System.nanoTime() - started;
        return new DetectionResult(image.imageWidth, image.imageHeight, detections, counts(detections),
                Math.round(nanos / 1e6), scale, unlike);
    }

    /** Every tile's detections in image pixels, each cell from the tile whose core holds it, best first. */
    private List<Detection> detections(PreparedImage image, ModelOutputs outputs) {
        if (image.tiles.size() == 1) {
            return postProcessor.detections(outputs.scores, outputs.boxes, 0, views, image.tiles.get(0).letterbox());
        }
        List<Detection> all = new ArrayList<>();
        for (int t = 0; t < image.tiles.size(); t++) {
            PreparedImage.Placed placed = image.tiles.get(t);
            TilePlan.Tile tile = placed.tile();
            for (Detection d : postProcessor.detections(outputs.scores, outputs.boxes, t * views.size(), views,
                    placed.letterbox())) {
                Detection moved = new Detection(d.cellClass(), d.score(), d.x1() + tile.x(), d.y1() + tile.y(),
                        d.x2() + tile.x(), d.y2() + tile.y());
                if (tile.holds(moved)) {
                    all.add(moved);
                }
            }
        }
        all.sort(Comparator.comparing(Detection::score).reversed());
        // A cell near a core edge may come out of both tiles, its two boxes' centres a pixel apart on either side:
        // per class, greedy NMS keeps the better-scored one.
        List<Detection> kept = new ArrayList<>(all.size());
        for (String cls : metadata.classes()) {
            List<Detection> ofClass = all.stream().filter(d -> d.cellClass().equals(cls)).toList();
            float[] boxes = new float[ofClass.size() * 4];
            for (int i = 0; i < ofClass.size(); i++) {
                Detection d = ofClass.get(i);
                System.arraycopy(new float[] {d.x1(), d.y1(), d.x2(), d.y2()}, 0, boxes, i * 4, 4);
            }
            for (int i : NonMaxSuppression.select(boxes, ofClass.size(), CROSS_TILE_IOU, ofClass.size())) {
                kept.add(ofClass.get(i));
            }
        }
        kept.sort(Comparator.comparing(Detection::score).reversed());
        return kept;
    }

    /** Detections counted per class: those scoring at least the class's count threshold, zeros included. */
    private Map<String, Integer> counts(List<Detection> detections) {
        return counts(detections, settings.scoreThreshold());
    }

    /**
     * The counts the model's own settings give these detections, whatever this detector's score threshold: for tools
     * that detect with COCO's low threshold and must count as the workers do.
     */
    public Map<String, Integer> countsAsReleased(List<Detection> detections) {
        return counts(detections, metadata.settings().scoreThreshold());
    }

    private Map<String, Integer> counts(List<Detection> detections, double floor) {
        Map<String, Double> countFrom = countThresholds(floor);
        Map<String, Integer> counts = new LinkedHashMap<>();
        metadata.classes().forEach(c -> counts.put(c, 0));
        for (Detection d : detections) {
            if (d.score() >= countFrom.getOrDefault(d.cellClass(), floor)) {
                counts.merge(d.cellClass(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The model's physical scale, count thresholds and training statistics, where its metadata has them. */
    public ModelDomain domain() {
        return metadata.domain();
    }

    /** One model run on {@code count} inputs; its outputs are copied into the arrays at the given offsets. */
    private void infer(FloatBuffer input, int count, float[] scores, int scoresAt, float[] boxes, int boxesAt) {
        int s = preprocessor.inputSize();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), input,
                new long[] {count, 3, s, s});
                OrtSession.Result result = session.run(Map.of(signature.inputName(), tensor),
                        Set.of(ModelSignature.SCORES, ModelSignature.BOXES))) {
            OnnxTensor scoresTensor = tensor(result, ModelSignature.SCORES);
            OnnxTensor boxesTensor = tensor(result, ModelSignature.BOXES);
            ModelSignature.checkShapes(scoresTensor.getInfo().getShape(), boxesTensor.getInfo().getShape(), count,
                    anchorCount, metadata);
            scoresTensor.getFloatBuffer().get(scores, scoresAt, count * anchorCount * metadata.classes().size());
            boxesTensor.getFloatBuffer().get(boxes, boxesAt, count * anchorCount * 4);
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + count + ": " + e.getMessage(), e);
        }
    }

    private static OnnxTensor tensor(OrtSession.Result result, String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new ModelContractException("Model returned no '"
                + name + "'"));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new ModelContractException("Output '" + name + "' is not a tensor");
        }
        return tensor;
    }

    /** Releases the model's native memory once detections in flight have finished. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(session, options);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            // Nothing a caller could do about a session that fails to release; the options are still closed.
        } finally {
            if (options != null) {
                options.close();
            }
        }
    }
}
