package org.bloodcells.detect.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.Optional;
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
import org.bloodcells.events.ModelRef;
import org.bloodcells.storage.ModelObjects;
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
 * one and renaming it over it. Where the file is pinned ({@code bloodcells.detector.model-sha256}, required in
 * production) the watch refuses any file with other bytes: there a new version comes by promotion, or a new pin and a
 * restart.
 *
 * <p>Where a trainer promotes versions through the registry ({@link ModelPromotions}), the promoted version rules:
 * a starting worker asks Kafka for the version in force before it runs any image, and every later promotion is
 * fetched, checked (SHA-256, contract, name and version) and swapped in the same way, between batches. The file
 * watch stops once a promotion is in force. A version that fails its checks is reported and the running one stays.
 * A re-processed batch may ask for another version: it is leased from a cache of one extra session.
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
    private final Optional<String> pinnedSha256;
    private final ModelPromotions promotions;
    private final Object otherLock = new Object();
    private CellDetector other;
    private String otherSha;
    private volatile boolean promotedInForce;
    private final SessionSettings runtime;
    private final UnaryOperator<DetectorSettings> overrides;
    private final Consumer<CellDetector> onLoad;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private CellDetector detector;
    private volatile String runningSha;
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
    public DetectionModel(DetectWorkerConfig config, WorkerMetrics metrics, ModelPromotions promotions) {
        this(config.detector().modelPath(), config.detector().modelSha256(), runtime(config.detector()),
                config.detector().overrides(),
                loaded -> metrics.modelInUse(loaded.model(), loaded.executionProvider().used().label()), promotions,
                config.detector().promotionWait());
    }

    /** @param onLoad told of every model this loads, the first and every swapped-in one */
    DetectionModel(Path modelPath, SessionSettings runtime, UnaryOperator<DetectorSettings> overrides,
            Consumer<CellDetector> onLoad) {
        this(modelPath, runtime, overrides, onLoad, null, Duration.ZERO);
    }

    /**
     * Loads the model file, then (with {@code promotions}) the version in force on {@code models-promoted} if Kafka
     * tells it within {@code promotionWait}: a worker started after a promotion runs the promoted version.
     */
    DetectionModel(Path modelPath, SessionSettings runtime, UnaryOperator<DetectorSettings> overrides,
            Consumer<CellDetector> onLoad, ModelPromotions promotions, Duration promotionWait) {
        this(modelPath, Optional.empty(), runtime, overrides, onLoad, promotions, promotionWait);
    }

    /**
     * @param pinnedSha256 the SHA-256 the model file must have: another file is refused before ONNX Runtime reads
     *                     it, at start (the worker does not start) and by the file watch (the running model stays)
     */
    DetectionModel(Path modelPath, Optional<String> pinnedSha256, SessionSettings runtime,
            UnaryOperator<DetectorSettings> overrides, Consumer<CellDetector> onLoad, ModelPromotions promotions,
            Duration promotionWait) {
        this.pinnedSha256 = pinnedSha256;
        this.promotions = promotions;
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
            try (CheckedCopy checked = CheckedCopy.of(modelFile)) {
                this.runningSha = checked.sha256();
                pinProblem(runningSha).ifPresent(problem -> {
                    throw new IllegalStateException("Model file " + modelFile + " " + problem);
                });
                this.detector = CellDetector.load(checked.file(), runtime, overrides);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read model file " + modelFile + ": " + e.getMessage(), e);
        } catch (ModelContractException e) {
            throw new IllegalStateException("Model " + modelFile + " does not follow models/CONTRACT.md: "
                    + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid bloodcells.detector settings: " + e.getMessage(), e);
        }
        running = Running.of(detector, runningSha, modelFile.toString());
        ModelInfo info = detector.model();
        LOG.infof("Loaded model %s %s from %s (classes %s, input %dx%d; %s) on %s", info.name(), info.version(),
                modelFile, info.classes(), info.inputSize(), info.inputSize(), detector.settings().describe(),
                detector.executionProvider().used().label());
        detector.executionProvider().warning().ifPresent(w -> LOG.warnf("Execution provider %s: %s",
                runtime.provider().label(), w));
        onLoad.accept(detector);
        if (promotions != null) {
            promotions.inForce(promotionWait, this::refuse).ifPresent(promotion -> apply(promotion.model()));
        }
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
        return new Lease(detector, runningSha, lock.readLock()::unlock);
    }

    /** A detector leased for one batch; {@code release} runs once, on the first close. */
    private static final class Lease implements ModelLease {
        private final CellDetector detector;
        private final String sha256;
        private Runnable release;

        Lease(CellDetector detector, String sha256, Runnable release) {
            this.detector = detector;
            this.sha256 = sha256;
            this.release = release;
        }

        @Override
        public CellDetector detector() {
            return detector;
        }

        @Override
        public String sha256() {
            return sha256;
        }

        @Override
        public void close() {
            if (release != null) {
                Runnable once = release;
                release = null;
                once.run();
            }
        }
    }

    public ModelInfo info() {
        return running.model();
    }

    /**
     * The model this replica runs and the post-processing it detects with (its own settings, with ops' overrides),
     * read together, so a swap in between cannot pair one model's name with another's settings.
     */
    public record Running(ModelInfo model, DetectorSettings settings, ExecutionProvider.Selection provider,
            String sha256, String source) {

        static Running of(CellDetector detector, String sha256, String source) {
            return new Running(detector.model(), detector.settings(), detector.executionProvider(), sha256, source);
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
        if (promotedInForce) {
            return false;
        }
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
        String sha;
        try (CheckedCopy checked = CheckedCopy.of(modelFile)) {
            sha = checked.sha256();
            Optional<String> problem = pinProblem(sha);
            if (problem.isPresent()) {
                logRejected(stamp, problem.get());
                return false;
            }
            fresh = CellDetector.load(checked.file(), runtime, overrides);
        } catch (RuntimeException | IOException e) {
            logRejected(stamp, "does not load: " + e.getMessage());
            return false;
        }
        if (swap(fresh, sha, modelFile.toString())) {
            loaded = stamp;
            rejected = null;
            return true;
        }
        return false;
    }

    /**
     * Runs {@code model} from the next batch on: fetched from the models bucket, checked against its SHA-256, loaded
     * (the contract), and checked to be the name and version the registry says. A version that fails is reported
     * ({@link ModelPromotions#rejected}) and the running one stays.
     *
     * @return whether it was swapped in (false also when it is running already)
     */
    public boolean apply(ModelRef model) {
        if (model.sha256().equalsIgnoreCase(runningSha)) {
            promotedInForce = true;
            return false;
        }
        CellDetector fresh;
        try {
            fresh = loadVersion(model);
        } catch (RuntimeException e) {
            ModelInfo running = info();
            promotions.rejected(model, running.name() + " " + running.version(), e.getMessage());
            return false;
        }
        boolean swapped = swap(fresh, model.sha256(), "registry " + model.bucket() + "/" + model.objectKey());
        promotedInForce = swapped || promotedInForce;
        return swapped;
    }

    /** Why the model file's bytes may not run here: they are not the pinned ones. */
    /**
     * The model file as one read saw it: a private copy and its SHA-256, so the bytes checked against the pin are the
     * bytes ONNX Runtime loads, even when the file is renamed over between the two. Deleted once loaded.
     */
    private record CheckedCopy(Path file, String sha256) implements AutoCloseable {

        static CheckedCopy of(Path source) throws IOException {
            Path copy = Files.createTempFile("bloodcells-model-", ".onnx");
            try {
                return new CheckedCopy(copy, ModelObjects.copyHashing(source, copy));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(copy);
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    private Optional<String> pinProblem(String sha256) {
        return pinnedSha256.filter(pinned -> !pinned.strip().equalsIgnoreCase(sha256)).map(pinned -> "has SHA-256 "
                + sha256 + ", not the one bloodcells.detector.model-sha256 pins (" + pinned.strip() + ")");
    }

    /**
     * A promotion that is not the registry's (its signature, ModelPromotions): refused like a version that fails its
     * checks, and the running one stays.
     */
    void refuse(ModelRef model, String reason) {
        ModelInfo running = info();
        promotions.rejected(model, running.name() + " " + running.version(), "promotion refused: " + reason);
    }

    /** A registry version's detector: the checked file, loaded, and the name and version it claims. */
    private CellDetector loadVersion(ModelRef model) {
        if (promotions == null) {
            throw new IllegalStateException("no model registry configured");
        }
        Path file = promotions.download(model);
        CellDetector fresh;
        try {
            fresh = CellDetector.load(file, runtime, overrides);
        } catch (ModelContractException e) {
            throw new IllegalStateException("does not follow models/CONTRACT.md: " + e.getMessage(), e);
        }
        ModelInfo info = fresh.model();
        if (!info.name().equals(model.name()) || !info.version().equals(model.version())) {
            fresh.close();
            throw new IllegalStateException("the file says it is " + info.name() + " " + info.version());
        }
        return fresh;
    }

    /**
     * The given version for one batch: the running model when it is that version, else a session of its own (one
     * kept at a time, for the batches of a re-processing).
     */
    @Override
    public ModelLease lease(ModelRef version) {
        ModelLease running = lease();
        if (version == null || version.sha256().equalsIgnoreCase(running.sha256())) {
            return running;
        }
        running.close();
        synchronized (otherLock) {
            if (otherSha == null || !otherSha.equalsIgnoreCase(version.sha256())) {
                if (other != null) {
                    other.close();
                    other = null;
                    otherSha = null;
                }
                try {
                    other = loadVersion(version);
                    otherSha = version.sha256();
                    LOG.infof("Loaded %s %s beside the running model, for the batches that ask for it", version.name(),
                            version.version());
                } catch (RuntimeException e) {
                    ModelInfo info = info();
                    if (promotions != null) {
                        promotions.rejected(version, info.name() + " " + info.version(), e.getMessage());
                    }
                    throw new ModelLease.ModelUnavailableException(version, e.getMessage());
                }
            }
            // kept for the next batch of the same re-processing; replaced by the next version asked for
            return new Lease(other, otherSha, () -> { });
        }
    }

    /** @return whether it was swapped in (false while shutting down) */
    private boolean swap(CellDetector fresh, String sha, String source) {
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
            runningSha = sha;
            running = Running.of(fresh, sha, source);
            generation++;
        } finally {
            lock.writeLock().unlock();
        }
        ModelInfo was = old.model();
        old.close();
        ModelInfo now = fresh.model();
        LOG.infof("Switched model %s %s to %s %s from %s", was.name(), was.version(), now.name(), now.version(), source);
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
        synchronized (otherLock) {
            if (other != null) {
                other.close();
                other = null;
            }
        }
    }
}
