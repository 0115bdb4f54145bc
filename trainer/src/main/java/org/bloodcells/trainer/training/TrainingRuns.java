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
import java.util.Locale;
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

import org.bloodcells.detection.CellDetector;
import org.bloodcells.eval.AnnotatedImage;
import org.bloodcells.eval.CalibrateModel;
import org.bloodcells.eval.VocDataset;
import org.bloodcells.trainer.config.TrainerConfig;
import org.bloodcells.trainer.evaluation.DatasetFingerprint;
import org.bloodcells.trainer.evaluation.HeldBackEvaluator;
import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;
import org.bloodcells.trainer.python.PythonTrainer;
import org.bloodcells.trainer.registry.ModelRegistry;
import org.bloodcells.trainer.registry.ModelStatus;
import org.bloodcells.trainer.registry.ModelVersion;
import org.bloodcells.trainer.site.DomainMetadata;
import org.bloodcells.trainer.site.SiteDataset;
import org.bloodcells.trainer.site.SiteDatasetException;
import org.bloodcells.trainer.site.SiteDatasets;
import org.bloodcells.trainer.site.SiteGate;
import org.bloodcells.trainer.site.SiteRecipe;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

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
    private final TrainerConfig.Site siteConfig;
    private final SiteDatasets siteDatasets;
    private final HeldBackEvaluator evaluator;
    private final SiteGate siteGate;
    private final ObjectMapper json;
    private final String replica;
    private final AtomicReference<Active> active = new AtomicReference<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "training-run");
        thread.setDaemon(true);
        return thread;
    });

    public TrainingRuns(ModelRegistry registry, TrainerConfig config, SiteDatasets siteDatasets,
            HeldBackEvaluator evaluator, ObjectMapper json) {
        this.registry = registry;
        this.config = config.training();
        this.siteConfig = config.site();
        this.siteDatasets = siteDatasets;
        this.evaluator = evaluator;
        this.siteGate = new SiteGate(config.site().bccdAp50Tolerance());
        this.json = json;
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
    public TrainingRun start(TrainingRequest asked) {
        if (asked.site()) {
            return startSite(asked.withSiteDefaults(siteConfig.trainingMinutes(), siteConfig.mixShare()));
        }
        TrainingRequest request = asked;
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
            TrainingRun run = created(request, baseVersion);
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

    private TrainingRun created(TrainingRequest request, ModelVersion base) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TrainingRun created = new TrainingRun();
            created.status = TrainingStatus.RUNNING;
            created.dataset = request.dataset();
            created.baseVersion = base == null ? null : base.version;
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
    }

    /**
     * Starts a site fine-tune: the site's dataset is downloaded from the images bucket and checked before the run
     * exists, so a dataset the model cannot learn from is the caller's error, not a failed run.
     *
     * @throws SiteDatasetException for a dataset that is missing, incomplete, altered, too small or names a class the
     *                              model does not know
     */
    private TrainingRun startSite(TrainingRequest request) {
        List<String> problems = new ArrayList<>(request.problems());
        if (!problems.isEmpty()) {
            throw new BadRequestException(String.join("; ", problems));
        }
        ModelVersion base = QuarkusTransaction.joiningExisting().call(() -> request.baseVersion() != null
                ? ModelVersion.<ModelVersion>find("version = ?1", request.baseVersion()).firstResultOptional()
                        .orElse(null)
                : ModelVersion.<ModelVersion>find("status = ?1", ModelStatus.PROMOTED).firstResultOptional()
                        .orElse(null));
        if (base == null) {
            throw new BadRequestException(request.baseVersion() != null
                    ? "no version " + request.baseVersion() + " in the registry to fine-tune"
                    : "no promoted version to fine-tune");
        }
        ModelVersion promoted = QuarkusTransaction.joiningExisting().call(() -> ModelVersion.promoted(base.name))
                .orElseThrow(() -> new BadRequestException("no promoted version of " + base.name
                        + " for the site gate to compare with"));
        Active mine = new Active(-1);
        if (!active.compareAndSet(null, mine)) {
            throw new BusyException("training run " + active.get().id + " is running on this replica (" + replica
                    + "); one run at a time");
        }
        Path staging = null;
        try {
            Files.createDirectories(config.workDir());
            staging = Files.createTempDirectory(config.workDir(), "site-" + request.dataset() + "-");
            SiteDataset site = siteDatasets.download(request.dataset(), staging, base.classes,
                    siteConfig.minTrainImages());
            TrainingRun run = created(request, base);
            Active running = new Active(run.id);
            active.set(running);
            runner.execute(() -> executeSite(running, run.id, request, site, base, promoted));
            return run;
        } catch (IOException e) {
            active.set(null);
            throw new UncheckedIOException("cannot make a folder in " + config.workDir(), e);
        } catch (RuntimeException e) {
            active.set(null);
            if (staging != null) {
                try {
                    deleteRecursively(staging);
                } catch (IOException ignored) {
                    LOG.warnf("Cannot delete %s: %s", staging, ignored.getMessage());
                }
            }
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
            ended(me, id, e, log);
        } finally {
            active.compareAndSet(me, null);
        }
    }

    /**
     * A site fine-tune: trains from the base on the site's train split (val for the checks) with BCCD mixed in,
     * exports with the base's domain metadata (its physical scale stays the base's), recalibrates the count
     * thresholds of the classes the site labels on its val split, measures the candidate and the promoted version on
     * the site's test split and BCCD test, and lets the site gate decide: promoted when it passes, a candidate with
     * the gate's reasons when not.
     */
    private void executeSite(Active me, long id, TrainingRequest request, SiteDataset downloaded, ModelVersion base,
            ModelVersion promoted) {
        // absolute: the trainer's Python runs in its sources folder
        Path dir = config.workDir().resolve("run-" + id).toAbsolutePath();
        RunLog log = new RunLog(id, dir.resolve("run.log"));
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            Path siteDir = dir.resolve("site");
            Files.move(downloaded.directory(), siteDir);
            SiteDataset site = new SiteDataset(siteDir, downloaded.name(), downloaded.fingerprint(),
                    downloaded.splits(), downloaded.labelledClasses(), downloaded.manifest());
            log.line(String.format(Locale.ROOT, "site dataset %s (fingerprint %s): train %d, val %d, test %d; "
                    + "labels %s", site.name(), site.fingerprint(), site.ids("train").size(), site.ids("val").size(),
                    site.ids("test").size(), String.join(", ", site.labelledClasses())));
            PythonTrainer python = PythonTrainer.find(config.pythonSources()).orElseThrow(() -> new IllegalStateException(
                    "no python3 here imports torch, torchvision and onnx: set TRAINER_PYTHON to one that does"));
            String name = base.name;
            String version = request.version() != null ? request.version()
                    : base.version.replaceFirst("-run\\d+$", "") + "-run" + id;
            Path baseFile = registry.fetch(base.ref()).toAbsolutePath();

            List<String> args = new ArrayList<>(List.of("--voc", siteDir.toString(), "--out",
                    dir.resolve("train").toString(), "--train-splits", "train", "--init", baseFile.toString(),
                    "--seed", String.valueOf(request.seed() == null ? 1 : request.seed())));
            if (request.minutes() != null) {
                args.addAll(List.of("--epochs", "100000", "--time-budget", request.minutes().toString()));
            } else {
                args.addAll(List.of("--epochs", request.epochs().toString()));
            }
            if (request.mixShare() > 0) {
                args.addAll(List.of("--mix-voc", evaluator.datasetDirectory().toAbsolutePath().toString(), "--mix-splits", "train,val",
                        "--mix-share", request.mixShare().toString()));
            }
            add(args, "--batch-size", request.batchSize() == null ? SiteRecipe.BATCH_SIZE : request.batchSize());
            add(args, "--crop", request.crop() == null ? SiteRecipe.CROP : request.crop());
            args.addAll(SiteRecipe.ARGUMENTS);
            add(args, "--limit", request.imageLimit());
            add(args, "--max-steps", request.maxSteps());
            if (request.valEvery() != null) {
                args.addAll(request.valEvery() == 0 ? List.of("--val-split", "")
                        : List.of("--eval-every", request.valEvery().toString()));
            }
            if (config.threads() > 0) {
                add(args, "--threads", config.threads());
            }
            String command = String.join(" ", python.command("efficientdet.train", args));
            log.phase("training", Map.of("command", command, "siteDataset", site.name(),
                    "siteFingerprint", site.fingerprint()));
            QuarkusTransaction.requiringNew().run(() -> TrainingRun.<TrainingRun>findById(id).command = command);
            log.line("$ " + command);
            python.run("efficientdet.train", args, log::line, p -> me.process = p);
            checkCancelled(me);

            log.phase("exporting", Map.of());
            Map<String, String> baseDomain = DomainMetadata.of(baseFile);
            Path domainFile = dir.resolve("base-domain.json");
            json.writeValue(domainFile.toFile(), baseDomain);
            Path onnx = dir.resolve("model.onnx");
            List<String> export = new ArrayList<>(List.of("--checkpoint",
                    dir.resolve("train").resolve("last.pt").toString(), "--out", onnx.toString(), "--name", name,
                    "--version", version, "--input-size", String.valueOf(DomainMetadata.inputSize(baseFile))));
            if (!baseDomain.isEmpty()) {
                export.addAll(List.of("--domain", domainFile.toString()));
            }
            log.line("$ " + String.join(" ", python.command("efficientdet.export", export)));
            python.run("efficientdet.export", export, log::line, p -> me.process = p);
            checkCancelled(me);

            log.phase("calibrating", Map.of("split", "val", "classes", site.labelledClasses()));
            PrintStream evaluationLog = log.printStream();
            Map<String, Double> thresholds = countThresholds(onnx, site, base.classes, baseDomain,
                    request.imageLimit(), evaluationLog);
            Path calibration = dir.resolve("calibration.json");
            Map<String, String> calibrated = new LinkedHashMap<>();
            calibrated.put("count_thresholds", DomainMetadata.countThresholds(thresholds));
            calibrated.put("colour_domains", siteColours(baseDomain, site));
            json.writeValue(calibration.toFile(), calibrated);
            List<String> restamp = List.of("--restamp", onnx.toString(), "--domain", calibration.toString());
            log.line("$ " + String.join(" ", python.command("efficientdet.export", restamp)));
            python.run("efficientdet.export", restamp, log::line, p -> me.process = p);
            checkCancelled(me);

            log.phase("evaluating", Map.of("step", "candidate on the site's test split"));
            Figures candidateSite = evaluator.evaluate(onnx, site.name(), siteDir, "test", request.imageLimit(),
                    evaluationLog);
            log.phase("evaluating", Map.of("step", "promoted version on the site's test split"));
            Figures promotedSite = registry.knownFigures(promoted, candidateSite.splitFingerprint())
                    .orElseGet(() -> evaluator.evaluate(registry.fetch(promoted.ref()), site.name(), siteDir, "test",
                            request.imageLimit(), evaluationLog));
            checkCancelled(me);
            log.phase("evaluating", Map.of("step", "candidate on the held-back split"));
            Figures candidateBccd = evaluator.evaluate(onnx, evaluationLog);
            log.phase("evaluating", Map.of("step", "promoted version on the held-back split"));
            Figures promotedBccd = registry.figures(promoted, evaluationLog);
            checkCancelled(me);

            log.phase("judging", Map.of());
            SiteGate.SiteFigures candidateCounts = new SiteGate.SiteFigures(candidateSite,
                    countError(candidateSite, site.labelledClasses()));
            SiteGate.SiteFigures promotedCounts = new SiteGate.SiteFigures(promotedSite,
                    countError(promotedSite, site.labelledClasses()));
            SiteGate.Verdict verdict = siteGate.judge(candidateCounts, promotedCounts, candidateBccd, promotedBccd);
            Map<String, Object> gate = new LinkedHashMap<>();
            gate.put("passes", verdict.passes());
            gate.put("failures", verdict.failures());
            gate.put("improvements", verdict.improvements());
            gate.put("comparedWith", promoted.version);
            gate.put("siteDataset", site.name());
            gate.put("siteFingerprint", site.fingerprint());
            gate.put("labelledClasses", site.labelledClasses());
            gate.put("bccdAp50Tolerance", siteConfig.bccdAp50Tolerance());
            gate.put("candidateSiteTest", siteView(candidateCounts));
            gate.put("promotedSiteTest", siteView(promotedCounts));
            gate.put("candidateHeldBack", ModelRegistry.figuresWithoutSummary(candidateBccd));
            gate.put("promotedHeldBack", ModelRegistry.figuresWithoutSummary(promotedBccd));
            log.line("site gate: " + (verdict.passes() ? "passes: " + String.join("; ", verdict.improvements())
                    : "refuses: " + String.join("; ", verdict.failures())));

            log.phase("registering", Map.of());
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("request", request);
            settings.put("arguments", args);
            settings.put("countThresholds", thresholds);
            settings.put("siteGate", gate);
            ModelVersion candidate = registry.register(new ModelRegistry.Registration(onnx, base.version,
                    site.name(), site.fingerprint(), command, settings, "training run " + id, "training run " + id,
                    siteCard(name, version, base.version, site, command, thresholds, gate), null), false);
            registry.record(candidate, candidateSite);
            registry.record(candidate, candidateBccd);
            if (registry.knownFigures(promoted, promotedSite.splitFingerprint()).isEmpty()) {
                registry.record(promoted, promotedSite);
            }
            Map<String, Object> outcome = new LinkedHashMap<>();
            outcome.put("model", name);
            outcome.put("version", version);
            outcome.put("siteGate", gate);
            if (verdict.passes()) {
                log.phase("promoting", Map.of());
                registry.promoteJudged(candidate, promoted.version, "training run " + id,
                        "site gate (" + site.name() + ", fingerprint " + site.fingerprint() + "): "
                                + String.join("; ", verdict.improvements()), json.valueToTree(gate));
            }
            outcome.put("promoted", verdict.passes());
            log.phase("done", outcome);
            log.finish(TrainingStatus.SUCCEEDED, null, name, version);
        } catch (Exception e) {
            ended(me, id, e, log);
        } finally {
            active.compareAndSet(me, null);
        }
    }

    /**
     * The count thresholds of the candidate: those of the classes the site labels fitted on its val split, the base's
     * for the others (a class nobody labelled there has no count to fit to).
     */
    private Map<String, Double> countThresholds(Path onnx, SiteDataset site, List<String> classes,
            Map<String, String> baseDomain, Integer limit, PrintStream log) throws IOException {
        List<AnnotatedImage> val = VocDataset.open(site.directory()).split("val");
        if (limit != null) {
            val = val.subList(0, Math.min(limit, val.size()));
        }
        Map<String, Double> fitted;
        try (CellDetector detector = CellDetector.load(onnx, evaluator.threads())) {
            fitted = CalibrateModel.fitCountThresholds(detector, val, site.labelledClasses(), log);
        }
        Map<String, Double> base = new LinkedHashMap<>();
        String known = baseDomain.getOrDefault("count_thresholds", "");
        for (String entry : known.split(",")) {
            String[] parts = entry.split(":");
            if (parts.length == 2) {
                base.put(parts[0].trim(), Double.parseDouble(parts[1].trim()));
            }
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String c : classes) {
            Double t = fitted.containsKey(c) ? fitted.get(c) : base.get(c);
            if (t != null) {
                thresholds.put(c, t);
            }
        }
        return thresholds;
    }

    /**
     * The base's colour sources with the site's added (its train and val images, which the candidate learnt from), so
     * the site's images no longer read as colours the model never saw.
     */
    private static String siteColours(Map<String, String> baseDomain, SiteDataset site) throws IOException {
        VocDataset voc = VocDataset.open(site.directory());
        List<AnnotatedImage> seen = new ArrayList<>(voc.split("train"));
        seen.addAll(voc.split("val"));
        String added = CalibrateModel.colourOf("site-" + site.name(), seen).metadata();
        String known = baseDomain.getOrDefault("colour_domains", "");
        return known.isBlank() ? added : known + ";" + added;
    }

    /** Mean absolute count error per image, summed over the classes the site labels. */
    static double countError(Figures figures, List<String> labelledClasses) {
        double sum = 0;
        for (String c : labelledClasses) {
            sum += figures.summary().path("counts").path(c).path("meanAbsoluteError").asDouble();
        }
        return sum;
    }

    private static Map<String, Object> siteView(SiteGate.SiteFigures figures) {
        Map<String, Object> view = new LinkedHashMap<>(ModelRegistry.figuresWithoutSummary(figures.figures()));
        view.put("countError", figures.countError());
        return view;
    }

    private static String siteCard(String name, String version, String parent, SiteDataset site, String command,
            Map<String, Double> thresholds, Map<String, Object> gate) {
        @SuppressWarnings("unchecked")
        Map<String, Object> cs = (Map<String, Object>) gate.get("candidateSiteTest");
        @SuppressWarnings("unchecked")
        Map<String, Object> ps = (Map<String, Object>) gate.get("promotedSiteTest");
        @SuppressWarnings("unchecked")
        Map<String, Object> cb = (Map<String, Object>) gate.get("candidateHeldBack");
        @SuppressWarnings("unchecked")
        Map<String, Object> pb = (Map<String, Object>) gate.get("promotedHeldBack");
        return "# " + name + " " + version + "\n\n"
                + "Site fine-tune by the trainer service, from " + parent + ", on the site dataset " + site.name()
                + " (images bucket, `" + SiteDatasets.PREFIX + site.name() + "/`; fingerprint " + site.fingerprint()
                + "): train " + site.ids("train").size() + ", val " + site.ids("val").size() + " images; test "
                + site.ids("test").size() + " held back, never trained or tuned on.\n\n"
                + "- Command: `" + command + "`\n"
                + "- Physical scale: the base's; count thresholds recalibrated on the site's val split for "
                + String.join(", ", site.labelledClasses()) + ": " + DomainMetadata.countThresholds(thresholds) + "\n\n"
                + "| split | version | images | AP@0.5 | count error per image (" + String.join("+",
                        site.labelledClasses()) + ") | fingerprint |\n| --- | --- | --- | --- | --- | --- |\n"
                + String.format(Locale.ROOT, "| %s test | %s | %s | %.4f | %.3f | %s |\n", site.name(), version,
                        cs.get("images"), (Double) cs.get("ap50"), (Double) cs.get("countError"),
                        cs.get("splitFingerprint"))
                + String.format(Locale.ROOT, "| %s test | %s (promoted) | %s | %.4f | %.3f | %s |\n", site.name(),
                        gate.get("comparedWith"), ps.get("images"), (Double) ps.get("ap50"),
                        (Double) ps.get("countError"), ps.get("splitFingerprint"))
                + String.format(Locale.ROOT, "| %s %s | %s | %s | %.4f | | %s |\n", cb.get("dataset"), cb.get("split"),
                        version, cb.get("images"), (Double) cb.get("ap50"), cb.get("splitFingerprint"))
                + String.format(Locale.ROOT, "| %s %s | %s (promoted) | %s | %.4f | | %s |\n", pb.get("dataset"),
                        pb.get("split"), gate.get("comparedWith"), pb.get("images"), (Double) pb.get("ap50"),
                        pb.get("splitFingerprint"))
                + "\nSite gate: " + (Boolean.TRUE.equals(gate.get("passes")) ? "passed (" + String.join("; ",
                        castList(gate.get("improvements"))) + "), promoted" : "refused (" + String.join("; ",
                        castList(gate.get("failures"))) + "), left a candidate") + ".\n";
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object list) {
        return (List<String>) list;
    }

    /** A run that threw: cancelled when asked to stop, else failed with the reason. */
    private static void ended(Active me, long id, Exception e, RunLog log) {
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
