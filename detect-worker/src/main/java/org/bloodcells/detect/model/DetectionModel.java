package org.bloodcells.detect.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.detect.service.ModelLease;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.ExecutionProvider;
import org.bloodcells.detection.ModelContractException;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.detection.SessionSettings;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

/**
 * The ONNX Runtime session of this process, and the model file it came from. Loaded at start-up so
 * that a missing or non-conforming model stops the worker before it takes any partition, instead
 * of failing every image it receives.
 *
 * <p>Each model runs with the post-processing settings it carries, with ops' overrides (if any)
 * applied to every model alike.
 *
 * <p>New versions are picked up without a restart: every {@code bloodcells.detector.reload-every}
 * ({@link ModelFileWatch}) the file's size and modification time are compared with the loaded one's;
 * when they changed, the new file is loaded beside the old session and swapped in between two images.
 * An image being detected finishes on the session it started on, which is closed after it. A file
 * that does not load (half copied, not following the contract) leaves the old model running and is
 * logged once; it is tried again when it changes. Publish a new model by writing it next to the old
 * one and renaming it over it.
 */
@Startup
@ApplicationScoped
public class DetectionModel implements ModelLease.Source {

    private static final Logger LOG = Logger.getLogger(DetectionModel.class);

    /** What identifies one version of the file on disk. */
    record FileStamp(long size, Instant modified) {

        static FileStamp of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attributes.size(), attributes.lastModifiedTime().toInstant());
        }
    }

    private final Path modelFile;
    private final SessionSettings runtime;
    private final UnaryOperator<DetectorSettings> overrides;
    private final Consumer<CellDetector> onLoad;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private CellDetector detector;
    private FileStamp loaded;
    private FileStamp rejected;
    /**
     * What readiness, logs and metrics read, without the lock: a swap waiting for the batches in flight holds new
     * readers of the lock back, and a readiness probe must not wait for a batch.
     */
    private volatile Running running;
    private volatile int generation = 1;
    private boolean closed;

    @Inject
    public DetectionModel(DetectWorkerConfig config, WorkerMetrics metrics) {
        this(config.detector().modelPath(), runtime(config.detector()), config.detector().overrides(),
                loaded -> metrics.modelInUse(loaded.model(), loaded.executionProvider().used().label()));
    }

    /** @param onLoad told of every model this loads, the first and every swapped-in one */
    DetectionModel(Path modelPath, SessionSettings runtime, UnaryOperator<DetectorSettings> overrides,
            Consumer<CellDetector> onLoad) {
        this.modelFile = modelPath.toAbsolutePath().normalize();
        this.runtime = runtime;
        this.overrides = overrides;
        this.onLoad = onLoad;
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalStateException("No model file at " + modelFile
                    + ": set bloodcells.detector.model-path to an ONNX file that follows models/CONTRACT.md");
        }
        try {
            this.loaded = FileStamp.of(modelFile);
            this.detector = CellDetector.load(modelFile, runtime, overrides);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read model file " + modelFile + ": " + e.getMessage(), e);
        } catch (ModelContractException e) {
            throw new IllegalStateException("Model " + modelFile + " does not follow models/CONTRACT.md: "
                    + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid bloodcells.detector settings: " + e.getMessage(), e);
        }
        running = Running.of(detector);
        ModelInfo info = detector.model();
        LOG.infof("Loaded model %s %s from %s (classes %s, input %dx%d; %s) on %s", info.name(), info.version(),
                modelFile, info.classes(), info.inputSize(), info.inputSize(), detector.settings().describe(),
                detector.executionProvider().used().label());
        detector.executionProvider().warning().ifPresent(w -> LOG.warnf("Execution provider %s: %s",
                runtime.provider().label(), w));
        onLoad.accept(detector);
    }

    private static SessionSettings runtime(DetectWorkerConfig.Detector detector) {
        try {
            return new SessionSettings(detector.intraOpThreads(), detector.executionProvider());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid bloodcells.detector settings: " + e.getMessage(), e);
        }
    }

    /**
     * The running model, held until the lease is closed: a swap waits for the batches in flight, so a batch runs on
     * one model from its first image to its last. Close it on the thread that took it.
     */
    @Override
    public ModelLease lease() {
        lock.readLock().lock();
        CellDetector leased = detector;
        return new ModelLease() {
            private boolean open = true;

            @Override
            public CellDetector detector() {
                return leased;
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    lock.readLock().unlock();
                }
            }
        };
    }

    public ModelInfo info() {
        return running.model();
    }

    /**
     * The model this replica runs and the post-processing it detects with (its own settings, with ops' overrides),
     * read together, so a swap in between cannot pair one model's name with another's settings.
     */
    public record Running(ModelInfo model, DetectorSettings settings, ExecutionProvider.Selection provider) {

        static Running of(CellDetector detector) {
            return new Running(detector.model(), detector.settings(), detector.executionProvider());
        }
    }

    public Running running() {
        return running;
    }

    /** How many sessions this process has loaded: 1 at start, one more per swap. */
    public int generation() {
        return generation;
    }

    /** @return whether a new model was swapped in */
    public boolean reloadIfChanged() {
        FileStamp stamp;
        try {
            stamp = FileStamp.of(modelFile);
        } catch (IOException e) {
            logRejected(null, "cannot be read: " + e);
            return false;
        }
        if (stamp.equals(loaded) || stamp.equals(rejected)) {
            return false;
        }
        CellDetector fresh;
        try {
            fresh = CellDetector.load(modelFile, runtime, overrides);
        } catch (RuntimeException e) {
            logRejected(stamp, "does not load: " + e.getMessage());
            return false;
        }
        CellDetector old;
        lock.writeLock().lock();
        try {
            if (closed) {
                // The service is shutting down: nobody would close the new session.
                fresh.close();
                return false;
            }
            old = detector;
            detector = fresh;
            running = Running.of(fresh);
            loaded = stamp;
            rejected = null;
            generation++;
        } finally {
            lock.writeLock().unlock();
        }
        ModelInfo was = old.model();
        old.close();
        ModelInfo now = fresh.model();
        LOG.infof("Switched model %s %s to %s %s from %s", was.name(), was.version(), now.name(), now.version(),
                modelFile);
        onLoad.accept(fresh);
        return true;
    }

    private void logRejected(FileStamp stamp, String why) {
        if (stamp == null || !stamp.equals(rejected)) {
            ModelInfo running = info();
            LOG.errorf("Keeping model %s %s: %s %s", running.name(), running.version(), modelFile, why);
        }
        rejected = stamp;
    }

    @PreDestroy
    void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            detector.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
