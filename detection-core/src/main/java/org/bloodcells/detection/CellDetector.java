package org.bloodcells.detection;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private CellDetector(OrtSession session, OrtSession.SessionOptions options, ModelMetadata metadata,
            ModelSignature signature, AnchorGrid anchors, DetectorSettings settings) {
        this.session = session;
        this.options = options;
        this.metadata = metadata;
        this.signature = signature;
        this.settings = settings;
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

    /**
     * Like {@link #load(Path, int)}, with the model's own settings changed by {@code adjust} (for example COCO
     * evaluation's score threshold, or fewer views for throughput).
     *
     * @throws IllegalArgumentException if the adjusted settings are impossible
     */
    public static CellDetector load(Path modelFile, int intraOpThreads, UnaryOperator<DetectorSettings> adjust) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + intraOpThreads);
        }
        if (!Files.isRegularFile(modelFile)) {
            throw new ModelContractException("Model file not found: " + modelFile.toAbsolutePath());
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        ModelMetadata metadata;
        ModelSignature signature;
        AnchorGrid anchors;
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(modelFile.toString(), options);
            metadata = ModelMetadata.parse(session.getMetadata().getCustomMetadata());
            anchors = AnchorGrid.of(metadata);
            signature = ModelSignature.check(session.getInputInfo(), session.getOutputInfo(), metadata,
                    anchors.size());
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
        CellDetector detector = new CellDetector(session, options, metadata, signature, anchors, settings);
        try {
            // One run on a blank image checks the output shapes the declaration may leave open, and takes
            // ONNX Runtime's lazy initialisation out of the first real detection.
            detector.runOpen(List.of(new RgbImage(1, 1, new byte[3])));
            return detector;
        } catch (RuntimeException e) {
            detector.close();
            throw contractFailure(modelFile, e);
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
        return run(List.of(RgbImage.of(image))).get(0);
    }

    /**
     * Detects cells in several images with one model run (one run per image if the model's batch axis is fixed at
     * 1). Results are in the order of the images and equal what {@link #detect(BufferedImage)} returns for each,
     * up to float rounding in the model.
     */
    public List<DetectionResult> detectBatch(List<BufferedImage> images) {
        List<RgbImage> rgb = images.stream().map(RgbImage::of).toList();
        if (rgb.isEmpty()) {
            return List.of();
        }
        if (signature.batchable()) {
            return run(rgb);
        }
        List<DetectionResult> results = new ArrayList<>();
        for (RgbImage image : rgb) {
            results.addAll(run(List.of(image)));
        }
        return results;
    }

    private List<DetectionResult> run(List<RgbImage> images) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("Detector for model " + metadata.name() + " " + metadata.version()
                        + " is closed");
            }
            return runOpen(images);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private List<DetectionResult> runOpen(List<RgbImage> images) {
        long started = System.nanoTime();
        int n = images.size();
        int s = preprocessor.inputSize();
        int length = preprocessor.tensorLength();
        List<Flip> views = Flip.first(settings.testTimeFlips());
        int blocks = n * views.size();
        FloatBuffer input = ByteBuffer.allocateDirect(blocks * length * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        List<Letterbox> letterboxes = new ArrayList<>(n);
        for (RgbImage image : images) {
            if (views.size() == 1) {
                letterboxes.add(preprocessor.write(image, input));
            } else {
                float[] chw = new float[length];
                Letterbox letterbox = preprocessor.write(image, FloatBuffer.wrap(chw));
                letterboxes.add(letterbox);
                for (Flip view : views) {
                    input.put(view == Flip.NONE ? chw
                            : view.apply(chw, s, letterbox.resizedWidth(), letterbox.resizedHeight()));
                }
            }
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
        List<List<Detection>> detections = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            detections.add(postProcessor.detections(scores, boxes, i * views.size(), views, letterboxes.get(i)));
        }
        long millisPerImage = Math.round((System.nanoTime() - started) / 1e6 / n);
        List<DetectionResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RgbImage image = images.get(i);
            results.add(new DetectionResult(image.width(), image.height(), detections.get(i),
                    postProcessor.counts(detections.get(i)), millisPerImage));
        }
        return results;
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
            options.close();
        }
    }
}
