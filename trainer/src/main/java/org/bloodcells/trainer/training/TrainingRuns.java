package org.bloodcells.trainer.training;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;

import org.bloodcells.trainer.config.TrainerConfig;
import org.bloodcells.trainer.evaluation.DatasetFingerprint;
import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;
import org.bloodcells.trainer.python.PythonTrainer;
import org.bloodcells.trainer.registry.ModelRegistry;
import org.bloodcells.trainer.registry.ModelVersion;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

/**
 * Training runs, one at a time on each replica: the PyTorch trainer as a child process (its epoch lines become the
 * run's progress, every line its log), then the export to ONNX, the evaluation on the held-back split with the
 * workers' own Java code, and the candidate's registration.
 */
@ApplicationScoped
public class TrainingRuns {

    private static final Logger LOG = Logger.getLogger(TrainingRuns.class);

    /** How often a run's progress and log reach the database while it runs. */
    private static final long FLUSH_NANOS = 2_000_000_000L;

    /** The model a run trains when neither its base nor a promoted version names one. */
    static final String DEFAULT_MODEL = "efficientdet-d0-bccd";

    /** The run this replica is busy with. */
    private static final class Active {
        final long id;
        volatile Process process;
        volatile boolean cancelled;

        Active(long id) {
            this.id = id;
        }
    }

    private final ModelRegistry registry;
    private final TrainerConfig.Training config;
    private final String replica;
    private final AtomicReference<Active> active = new AtomicReference<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "training-run");
        thread.setDaemon(true);
        return thread;
    });

    public TrainingRuns(ModelRegistry registry, TrainerConfig config) {
        this.registry = registry;
        this.config = config.training();
        this.replica = replicaName();
    }

    /** Runs this replica left RUNNING when it stopped can never finish: they are marked failed. */
    void markAbandoned(@Observes StartupEvent started) {
        QuarkusTransaction.requiringNew().run(() -> TrainingRun.runningOn(replica).forEach(run -> {
            run.status = TrainingStatus.FAILED;
            run.error = "the trainer replica " + replica + " stopped during the run";
            run.finishedAt = Instant.now();
        }));
    }

    public TrainingRun get(long id) {
        return QuarkusTransaction.joiningExisting().call(() -> Optional.ofNullable(TrainingRun.<TrainingRun>findById(id))
                .orElseThrow(() -> new NotFoundException("no training run " + id)));
    }

    public List<TrainingRun> recent() {
        return QuarkusTransaction.joiningExisting().call(TrainingRun::recent);
    }

    /**
     * Starts a run.
     *
     * @throws BadRequestException   for a request that cannot be run
     * @throws BusyException         when this replica is running one already
     */
    public TrainingRun start(TrainingRequest request) {
        List<String> problems = new ArrayList<>(request.problems());
        Path voc = null;
        if (problems.isEmpty()) {
            voc = config.datasetsDir().resolve(request.dataset()).normalize();
            if (!voc.startsWith(config.datasetsDir().normalize()) || !Files.isDirectory(voc.resolve("Annotations"))) {
                problems.add("no PASCAL VOC dataset '" + request.dataset() + "' in the datasets directory");
            }
        }
        ModelVersion base = null;
        if (request.baseVersion() != null) {
            base = QuarkusTransaction.joiningExisting().call(() -> ModelVersion.<ModelVersion>find("version = ?1",
                    request.baseVersion()).firstResultOptional().orElse(null));
            if (base == null) {
                problems.add("no version " + request.baseVersion() + " in the registry to fine-tune");
            }
        }
        if (!problems.isEmpty()) {
            throw new BadRequestException(String.join("; ", problems));
        }
        Active mine = new Active(-1);
        if (!active.compareAndSet(null, mine)) {
            throw new BusyException("training run " + active.get().id + " is running on this replica (" + replica
                    + "); one run at a time");
        }
        try {
            ModelVersion baseVersion = base;
            TrainingRun run = QuarkusTransaction.requiringNew().call(() -> {
                TrainingRun created = new TrainingRun();
                created.status = TrainingStatus.RUNNING;
                created.dataset = request.dataset();
                created.baseVersion = baseVersion == null ? null : baseVersion.version;
                created.settings = request;
                created.replica = replica;
                created.progress = new LinkedHashMap<>(Map.of("phase", "starting"));
                created.log = "";
                created.startedAt = Instant.now();
                created.startedBy = request.startedBy() == null || request.startedBy().isBlank() ? "anonymous"
                        : request.startedBy();
                created.persist();
                return created;
            });
            Active running = new Active(run.id);
            active.set(running);
            Path dataset = voc;
            runner.execute(() -> execute(running, run.id, request, dataset, baseVersion));
            return run;
        } catch (RuntimeException e) {
            active.set(null);
            throw e;
        }
    }

    /**
     * Stops a run of this replica: its process is killed and the run marked CANCELLED.
     *
     * @throws BusyException when the run is not running here
     */
    public TrainingRun cancel(long id) {
        TrainingRun run = get(id);
        Active current = active.get();
        if (current == null || current.id != id) {
            throw new BusyException(run.status == TrainingStatus.RUNNING
                    ? "training run " + id + " runs on replica " + run.replica + ", not on " + replica
                    : "training run " + id + " is " + run.status + " already");
        }
        current.cancelled = true;
        Process process = current.process;
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        return run;
    }

    private void execute(Active me, long id, TrainingRequest request, Path voc, ModelVersion base) {
        Path dir = config.workDir().resolve("run-" + id);
        RunLog log = new RunLog(id, dir.resolve("run.log"));
        try {
            // a run of this id from an earlier registry (a database started afresh) must not lend this one its files
            deleteRecursively(dir);
            Files.createDirectories(dir);
            PythonTrainer python = PythonTrainer.find(config.pythonSources()).orElseThrow(() -> new IllegalStateException(
                    "no python3 here imports torch, torchvision and onnx: set TRAINER_PYTHON to one that does"));
            String name = base != null ? base.name : QuarkusTransaction.joiningExisting().call(() -> ModelVersion
                    .<ModelVersion>find("status = ?1", org.bloodcells.trainer.registry.ModelStatus.PROMOTED)
                    .firstResultOptional().map(v -> v.name).orElse(DEFAULT_MODEL));
            String parent = base != null ? base.version : QuarkusTransaction.joiningExisting().call(() ->
                    ModelVersion.promoted(name).map(v -> v.version).orElse(null));
            String version = request.version() != null ? request.version()
                    : (parent == null ? "0.0.0" : parent.replaceFirst("-run\\d+$", "")) + "-run" + id;

            List<String> args = new ArrayList<>(List.of("--voc", voc.toString(), "--out", dir.resolve("train").toString(),
                    "--train-splits", "train", "--seed", String.valueOf(request.seed() == null ? 1 : request.seed())));
            if (request.minutes() != null) {
                args.addAll(List.of("--epochs", "100000", "--time-budget", request.minutes().toString()));
            } else {
                args.addAll(List.of("--epochs", request.epochs().toString()));
            }
            add(args, "--batch-size", request.batchSize());
            add(args, "--crop", request.crop());
            add(args, "--limit", request.imageLimit());
            add(args, "--max-steps", request.maxSteps());
            if (request.valEvery() != null) {
                args.addAll(request.valEvery() == 0 ? List.of("--val-split", "")
                        : List.of("--eval-every", request.valEvery().toString()));
            }
            if (config.threads() > 0) {
                add(args, "--threads", config.threads());
            }
            if (base != null) {
                args.addAll(List.of("--init", registry.fetch(base.ref()).toString()));
            }
            String command = String.join(" ", python.command("efficientdet.train", args));
            log.phase("training", Map.of("command", command));
            QuarkusTransaction.requiringNew().run(() -> TrainingRun.<TrainingRun>findById(id).command = command);
            log.line("$ " + command);
            python.run("efficientdet.train", args, log::line, p -> me.process = p);
            checkCancelled(me);

            log.phase("exporting", Map.of());
            Path onnx = dir.resolve("model.onnx");
            List<String> export = List.of("--checkpoint", dir.resolve("train").resolve("last.pt").toString(),
                    "--out", onnx.toString(), "--name", name, "--version", version);
            log.line("$ " + String.join(" ", python.command("efficientdet.export", export)));
            python.run("efficientdet.export", export, log::line, p -> me.process = p);
            checkCancelled(me);

            log.phase("registering", Map.of());
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("request", request);
            settings.put("arguments", args);
            String fingerprint = DatasetFingerprint.of(voc, List.of("train"), request.imageLimit());
            ModelVersion candidate = registry.register(new ModelRegistry.Registration(onnx, parent, request.dataset(),
                    fingerprint, command, settings, "training run " + id, "training run " + id,
                    card(name, version, parent, request, command, fingerprint), null), false);

            log.phase("evaluating", Map.of("model", name, "version", version));
            PrintStream evaluationLog = log.printStream();
            Figures figures = registry.figures(candidate, evaluationLog);
            Map<String, Object> outcome = new LinkedHashMap<>();
            outcome.put("model", name);
            outcome.put("version", version);
            outcome.put("heldBack", ModelRegistry.figuresWithoutSummary(figures));
            Optional<ModelVersion> promoted = QuarkusTransaction.joiningExisting().call(() -> ModelVersion.promoted(name));
            if (promoted.isPresent()) {
                outcome.put("promoted", promoted.get().version);
                outcome.put("promotedHeldBack",
                        ModelRegistry.figuresWithoutSummary(registry.figures(promoted.get(), evaluationLog)));
            }
            log.phase("done", outcome);
            log.finish(TrainingStatus.SUCCEEDED, null, name, version);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (me.cancelled) {
                log.line("cancelled");
                log.finish(TrainingStatus.CANCELLED, "cancelled", null, null);
            } else {
                LOG.errorf(e, "Training run %d failed", id);
                log.line("failed: " + e.getMessage());
                log.finish(TrainingStatus.FAILED, e.getMessage(), null, null);
            }
        } finally {
            active.compareAndSet(me, null);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static void checkCancelled(Active me) {
        if (me.cancelled) {
            throw new IllegalStateException("cancelled");
        }
    }

    private static void add(List<String> args, String flag, Object value) {
        if (value != null) {
            args.addAll(List.of(flag, value.toString()));
        }
    }

    private static String card(String name, String version, String parent, TrainingRequest request, String command,
            String fingerprint) {
        return "# " + name + " " + version + "\n\n"
                + "Candidate trained by the trainer service" + (parent == null ? " from scratch" : ", fine-tuned from "
                        + parent) + ".\n\n"
                + "- Dataset: " + request.dataset() + " (train split; SHA-256 of what was read: " + fingerprint + ")\n"
                + "- Command: `" + command + "`\n"
                + "- Held-back figures: measured by the registry with the workers' detection core "
                + "(`GET /models/" + name + "/" + version + "`).\n";
    }

    private static String replicaName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "trainer";
        }
    }

    @PreDestroy
    void stop() {
        Active current = active.get();
        if (current != null) {
            current.cancelled = true;
            if (current.process != null) {
                current.process.descendants().forEach(ProcessHandle::destroy);
                current.process.destroy();
            }
        }
        runner.shutdown();
        try {
            runner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This replica is busy, or the run is not this replica's to stop: 409. */
    public static class BusyException extends RuntimeException {
        public BusyException(String message) {
            super(message);
        }
    }

    /** A run's log and progress: each line to its file, and both to the database every few seconds. */
    private static final class RunLog {
        private final long id;
        private final Path file;
        private final StringBuilder text = new StringBuilder();
        private final Map<String, Object> progress = new LinkedHashMap<>();
        private long flushed = System.nanoTime();

        RunLog(long id, Path file) {
            this.id = id;
            this.file = file;
        }

        synchronized void line(String line) {
            text.append(line).append('\n');
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TrainingProgress.parse(line).ifPresent(progress::putAll);
            if (System.nanoTime() - flushed > FLUSH_NANOS) {
                flush();
            }
        }

        synchronized void phase(String phase, Map<String, Object> details) {
            progress.put("phase", phase);
            progress.putAll(details);
            line("[" + phase + "]");
            flush();
        }

        PrintStream printStream() {
            return new PrintStream(new OutputStream() {
                private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

                @Override
                public void write(int b) {
                    if (b == '\n') {
                        line(pending.toString(StandardCharsets.UTF_8));
                        pending.reset();
                    } else {
                        pending.write(b);
                    }
                }
            }, true, StandardCharsets.UTF_8);
        }

        synchronized void finish(TrainingStatus status, String error, String model, String version) {
            QuarkusTransaction.requiringNew().run(() -> {
                TrainingRun run = TrainingRun.findById(id);
                run.status = status;
                run.error = error;
                run.modelName = model;
                run.modelVersion = version;
                run.finishedAt = Instant.now();
                run.progress = new LinkedHashMap<>(progress);
                run.log = text.toString();
            });
        }

        private void flush() {
            flushed = System.nanoTime();
            Map<String, Object> snapshot = new LinkedHashMap<>(progress);
            String log = text.toString();
            QuarkusTransaction.requiringNew().run(() -> {
                TrainingRun run = TrainingRun.findById(id);
                run.progress = snapshot;
                run.log = log;
            });
        }
    }
}
