package org.bloodcells.detection;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * A model file opened in ONNX Runtime: its session on the execution provider asked for, checked against the contract
 * at load, and the batched model run. The only class of the core that calls ONNX Runtime; what goes in and what comes
 * out is planned and merged beside it ({@link InputPlanner}, {@link TileMerge}, {@link ScaleSearch}).
 *
 * <p>Thread-safe: ONNX Runtime sessions support concurrent {@code run}. {@link #close()} waits for runs in flight;
 * running on a closed session throws {@link IllegalStateException}.
 */
final class ModelSession implements AutoCloseable {

    /** Most input blocks (images × tiles × views) one model run takes: a GPU's batch, not a tiled field's all. */
    static final int MAX_BLOCKS_PER_RUN = 64;

    private static final ThreadLocal<FloatBuffer> INPUT_BUFFERS = new ThreadLocal<>();
    /** The outputs ONNX Runtime writes into (pinned), per thread: [scores, boxes]. */
    private static final ThreadLocal<FloatBuffer[]> OUTPUT_BUFFERS = new ThreadLocal<>();

    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final ModelMetadata metadata;
    private final ModelSignature signature;
    private final AnchorGrid anchors;
    private final ExecutionProvider.Selection provider;
    private final int blockLength;

    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * What post-processing keeps of one run's outputs, per block in order, with the time the model took and the time
     * reading its outputs took.
     */
    record Outputs(List<Candidates> blocks, long modelNanos, long readNanos) {
    }

    /** Reads one output block, {@code scores [N, A, C]} and {@code boxes [N, A, 4]} flattened, as it is needed. */
    @FunctionalInterface
    interface BlockReader {
        Candidates read(FloatBuffer scores, FloatBuffer boxes, int block);
    }

    /** Set once a run's output shapes were checked against the contract; later runs write into pinned buffers. */
    private volatile boolean shapesChecked;

    private ModelSession(OrtSession session, OrtSession.SessionOptions options, ModelMetadata metadata,
            ModelSignature signature, AnchorGrid anchors, ExecutionProvider.Selection provider) {
        this.session = session;
        this.options = options;
        this.metadata = metadata;
        this.signature = signature;
        this.anchors = anchors;
        this.provider = provider;
        this.blockLength = 3 * metadata.inputSize() * metadata.inputSize();
    }

    /**
     * Opens a model on the execution provider {@code runtime} selects, makes what runs on it with {@code make}, and
     * hands that to {@code firstRun}: one run that checks the output shapes the declaration may leave open, and takes
     * ONNX Runtime's lazy initialisation out of the first real detection. A GPU that does not start or fails that
     * run is refused where it was asked for by name; {@code AUTO} falls back to the CPU and says why.
     *
     * @throws ModelContractException if the file is missing or not a loadable ONNX model, its metadata, input or
     *                                outputs differ from the contract, or its first run fails
     * @throws IllegalStateException  if a GPU provider is asked for by name and cannot be used
     * @throws RuntimeException       what {@code make} throws, as it is
     */
    static <T> T open(Path modelFile, SessionSettings runtime, Function<ModelSession, T> make,
            Consumer<T> firstRun) {
        if (!Files.isRegularFile(modelFile)) {
            throw new ModelContractException("Model file not found: " + modelFile.toAbsolutePath());
        }
        ExecutionProvider.Selection provider = runtime.provider().select(OrtEnvironment.getAvailableProviders());
        if (provider.used() == ExecutionProvider.CPU) {
            return start(modelFile, runtime.intraOpThreads(), provider, make, firstRun);
        }
        try {
            return start(modelFile, runtime.intraOpThreads(), provider, make, firstRun);
        } catch (GpuFailure e) {
            if (provider.requested() != ExecutionProvider.AUTO) {
                throw new IllegalStateException(provider.used() + " execution provider " + e.getMessage(),
                        e.getCause());
            }
            // A GPU build on a machine whose GPU does not start or run: auto falls back, and says why.
            return start(modelFile, runtime.intraOpThreads(), new ExecutionProvider.Selection(provider.requested(),
                    ExecutionProvider.CPU, Optional.of(provider.used() + " is offered but " + e.getMessage()
                            + "; running on CPU")), make, firstRun);
        }
    }

    /** A GPU execution provider that did not start, or failed its first run; its message says which. */
    private static final class GpuFailure extends RuntimeException {

        GpuFailure(String message, Exception cause) {
            super(message + " (" + cause.getMessage() + ")", cause);
        }
    }

    private static <T> T start(Path modelFile, int intraOpThreads, ExecutionProvider.Selection provider,
            Function<ModelSession, T> make, Consumer<T> firstRun) {
        ModelSession session = create(modelFile, intraOpThreads, provider);
        T made;
        try {
            made = make.apply(session);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        try {
            firstRun.accept(made);
            return made;
        } catch (RuntimeException e) {
            session.close();
            if (provider.used() != ExecutionProvider.CPU && e instanceof InferenceException) {
                throw new GpuFailure("failed its first run", e);
            }
            throw contractFailure(modelFile, e);
        }
    }

    private static ModelSession create(Path modelFile, int intraOpThreads, ExecutionProvider.Selection provider) {
        OrtSession.SessionOptions options = null;
        OrtSession session = null;
        try {
            options = options(intraOpThreads, provider.used());
            try {
                session = OrtEnvironment.getEnvironment().createSession(modelFile.toString(), options);
            } catch (OrtException e) {
                if (provider.used() != ExecutionProvider.CPU) {
                    throw new GpuFailure("failed to start", e);
                }
                throw e;
            }
            ModelMetadata metadata = ModelMetadata.parse(session.getMetadata().getCustomMetadata());
            AnchorGrid anchors = AnchorGrid.of(metadata);
            ModelSignature signature = ModelSignature.check(session.getInputInfo(), session.getOutputInfo(),
                    metadata, anchors.size());
            return new ModelSession(session, options, metadata, signature, anchors, provider);
        } catch (GpuFailure e) {
            closeQuietly(session, options);
            throw e;
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session, options);
            throw contractFailure(modelFile, e);
        }
    }

    /** The ONNX Runtime session options a model runs with; the caller closes them. */
    static OrtSession.SessionOptions options(SessionSettings runtime) throws OrtException {
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

    ModelMetadata metadata() {
        return metadata;
    }

    AnchorGrid anchors() {
        return anchors;
    }

    ExecutionProvider.Selection provider() {
        return provider;
    }

    /**
     * The model run on {@code inputs}, each one or more {@code 3 × S × S} blocks in native memory (position 0 to
     * limit), in order: one run for all of them (at most {@link #MAX_BLOCKS_PER_RUN} blocks each), or one per block
     * where the model's batch axis is fixed at 1. Each block's outputs are read by {@code reader} as soon as its run
     * returns, from buffers ONNX Runtime wrote them into; nothing else of them is kept.
     *
     * @throws IllegalStateException if the session is closed
     * @throws InferenceException    if ONNX Runtime fails
     */
    Outputs run(List<FloatBuffer> inputs, BlockReader reader) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("Detector for model " + metadata.name() + " " + metadata.version()
                        + " is closed");
            }
            return runOpen(inputs, reader);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private Outputs runOpen(List<FloatBuffer> inputs, BlockReader reader) {
        int floats = inputs.stream().mapToInt(FloatBuffer::limit).sum();
        int blocks = floats / blockLength;
        FloatBuffer input;
        if (inputs.size() == 1) {
            // The image's own buffer: prepared where the model reads it.
            input = inputs.get(0).duplicate().clear().limit(floats);
        } else {
            input = inputBuffer(floats);
            for (FloatBuffer image : inputs) {
                input.put(image.duplicate().rewind());
            }
        }
        int perRun = signature.batchable() ? Math.min(blocks, MAX_BLOCKS_PER_RUN) : 1;
        List<Candidates> candidates = new ArrayList<>(blocks);
        long modelNanos = 0;
        long readNanos = 0;
        for (int first = 0; first < blocks; first += perRun) {
            int count = Math.min(perRun, blocks - first);
            input.position(first * blockLength).limit((first + count) * blockLength);
            long began = System.nanoTime();
            FloatBuffer[] outputs = run(input.slice(), count);
            long ran = System.nanoTime();
            for (int b = 0; b < count; b++) {
                candidates.add(reader.read(outputs[0], outputs[1], b));
            }
            modelNanos += ran - began;
            readNanos += System.nanoTime() - ran;
        }
        return new Outputs(candidates, modelNanos, readNanos);
    }

    /**
     * A native buffer for a run's input, kept per thread and grown as needed: allocating and zeroing megabytes of
     * native memory for every run costs time the model could use, and the thread that runs the model is the only one
     * that fills it.
     */
    private static FloatBuffer inputBuffer(int floats) {
        FloatBuffer buffer = INPUT_BUFFERS.get();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = InputBuffers.direct(floats);
            INPUT_BUFFERS.set(buffer);
        }
        buffer.clear();
        return buffer.limit(floats);
    }

    /**
     * One model run on {@code count} inputs; its outputs {@code [scores, boxes]}, valid until this thread's next run.
     * The first run of a session checks the output shapes against the contract; later ones have ONNX Runtime write the
     * outputs straight into native buffers kept per thread, instead of allocating them and copying them out.
     */
    private FloatBuffer[] run(FloatBuffer input, int count) {
        int s = metadata.inputSize();
        int anchorCount = anchors.size();
        int scoreFloats = count * anchorCount * metadata.classes().size();
        int boxFloats = count * anchorCount * 4;
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, new long[] {count, 3, s, s})) {
            if (!shapesChecked) {
                try (OrtSession.Result result = session.run(Map.of(signature.inputName(), tensor),
                        Set.of(ModelSignature.SCORES, ModelSignature.BOXES))) {
                    OnnxTensor scoresTensor = tensor(result, ModelSignature.SCORES);
                    OnnxTensor boxesTensor = tensor(result, ModelSignature.BOXES);
                    ModelSignature.checkShapes(scoresTensor.getInfo().getShape(), boxesTensor.getInfo().getShape(),
                            count, anchorCount, metadata);
                    shapesChecked = true;
                    return new FloatBuffer[] {scoresTensor.getFloatBuffer(), boxesTensor.getFloatBuffer()};
                }
            }
            FloatBuffer[] pinned = outputBuffers(scoreFloats, boxFloats);
            try (OnnxTensor scores = OnnxTensor.createTensor(environment, pinned[0],
                    new long[] {count, anchorCount, metadata.classes().size()});
                    OnnxTensor boxes = OnnxTensor.createTensor(environment, pinned[1],
                            new long[] {count, anchorCount, 4});
                    OrtSession.Result ignored = session.run(Map.of(signature.inputName(), tensor),
                            Map.of(ModelSignature.SCORES, scores, ModelSignature.BOXES, boxes))) {
                return pinned;
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + count + ": " + e.getMessage(), e);
        }
    }

    /** This thread's output buffers, grown as needed, limited to the floats of this run. */
    private static FloatBuffer[] outputBuffers(int scoreFloats, int boxFloats) {
        FloatBuffer[] buffers = OUTPUT_BUFFERS.get();
        if (buffers == null || buffers[0].capacity() < scoreFloats || buffers[1].capacity() < boxFloats) {
            buffers = new FloatBuffer[] {InputBuffers.direct(scoreFloats), InputBuffers.direct(boxFloats)};
            OUTPUT_BUFFERS.set(buffers);
        }
        return new FloatBuffer[] {buffers[0].duplicate().clear().limit(scoreFloats),
                buffers[1].duplicate().clear().limit(boxFloats)};
    }

    private static OnnxTensor tensor(OrtSession.Result result, String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new ModelContractException("Model returned no '"
                + name + "'"));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new ModelContractException("Output '" + name + "' is not a tensor");
        }
        return tensor;
    }

    /** Releases the model's native memory once runs in flight have finished. */
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
