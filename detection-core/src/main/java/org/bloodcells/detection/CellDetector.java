package org.bloodcells.detection;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
        return detectPrepared(List.of(prepare(image))).get(0);
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

    /**
     * The first of three steps a pipeline may run on different threads: the image made into this model's input, one
     * block per view. Needs no model run; any number of threads may prepare at once.
     */
    public PreparedImage prepare(BufferedImage image) {
        long started = System.nanoTime();
        RgbImage rgb = RgbImage.of(image);
        int s = preprocessor.inputSize();
        int length = preprocessor.tensorLength();
        float[] chw = new float[length * views.size()];
        Letterbox letterbox = preprocessor.write(rgb, FloatBuffer.wrap(chw, 0, length));
        for (int v = 1; v < views.size(); v++) {
            views.get(v).applyInto(chw, 0, chw, v * length, 3, s, letterbox.resizedWidth(), letterbox.resizedHeight());
        }
        return new PreparedImage(this, chw, letterbox, System.nanoTime() - started);
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
        int blocks = n * views.size();
        FloatBuffer input = inputBuffer(blocks * length);
        for (PreparedImage image : images) {
            input.put(image.input);
        }
        int classCount = metadata.classes().size();
        float[] scores = new float[blocks * anchorCount * classCount];
        float[] boxes = new float[blocks * anchorCount * 4];
        // A model with a fixed batch of 1 gets one run per block.
        int perRun = signature.batchable() ? blocks : 1;
        for (int first = 0; first < blocks; first += perRun) {
            input.position(first * length).limit((first + perRun) * length);
            infer(input.slice(), perRun, scores, first * anchorCount * classCount, boxes, first * anchorCount * 4);
        }
        long share = (System.nanoTime() - started) / n;
        int scoresPerImage = views.size() * anchorCount * classCount;
        int boxesPerImage = views.size() * anchorCount * 4;
        if (n == 1) {
            return List.of(new ModelOutputs(this, scores, boxes, share, 1));
        }
        List<ModelOutputs> outputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outputs.add(new ModelOutputs(this,
                    Arrays.copyOfRange(scores, i * scoresPerImage, (i + 1) * scoresPerImage),
                    Arrays.copyOfRange(boxes, i * boxesPerImage, (i + 1) * boxesPerImage), share, n));
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
     * The third step: one image's outputs turned into its detections and counts (decoding, NMS, voting). Needs no
     * model run; any number of threads may finish at once.
     */
    public DetectionResult finish(PreparedImage image, ModelOutputs outputs) {
        if (image.owner != this || outputs.owner != this) {
            throw new IllegalArgumentException("an image prepared or run on another model cannot be finished by "
                    + metadata.name() + " " + metadata.version());
        }
        long started = System.nanoTime();
        List<Detection> detections = postProcessor.detections(outputs.scores, outputs.boxes, 0, views,
                image.letterbox);
        long nanos = image.prepareNanos + outputs.inferenceNanos + System.nanoTime() - started;
        return new DetectionResult(image.letterbox.imageWidth(), image.letterbox.imageHeight(), detections,
                postProcessor.counts(detections), Math.round(nanos / 1e6));
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
