package org.bloodcells.trainer.registry;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.ModelContractException;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.storage.ModelObjects;
import org.bloodcells.trainer.config.TrainerConfig;
import org.bloodcells.trainer.evaluation.HeldBackEvaluator;
import org.bloodcells.trainer.evaluation.HeldBackEvaluator.Figures;
import org.bloodcells.trainer.promotion.PromotionGate;
import org.bloodcells.trainer.promotion.PromotionPublisher;
import org.bloodcells.trainer.promotion.PromotionRefusedException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The model registry: versions' files in object storage ({@link ModelObjects}), their records in PostgreSQL, their
 * figures on the held-back split, and promotion through the gate to every worker.
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    /** What a new version brings with it besides its file. */
    public record Registration(Path file, String parentVersion, String dataset, String datasetFingerprint,
            String command, Map<String, Object> settings, String origin, String by, String card, Path metrics) {
    }

    /** Who promotes, and whether (and why) the gate is overridden. */
    public record PromotionRequest(String by, boolean override, String reason) {
    }

    /** What a promotion did. */
    public record Promotion(ModelVersion promoted, String previous, boolean alreadyPromoted, boolean overridden,
            String reason, List<String> gateFailures, Figures figures, Figures previousFigures) {
    }

    private final ModelObjects files;
    private final HeldBackEvaluator evaluator;
    private final PromotionPublisher publisher;
    private final PromotionGate gate;
    private final ObjectMapper json;
    private final Path cache;

    public ModelRegistry(ModelObjects files, HeldBackEvaluator evaluator, PromotionPublisher publisher,
            TrainerConfig config, ObjectMapper json) {
        this.files = files;
        this.evaluator = evaluator;
        this.publisher = publisher;
        this.gate = new PromotionGate(config.promotion().ap50Tolerance(), config.promotion().apTolerance());
        this.json = json;
        this.cache = config.training().workDir().resolve("registry");
    }

    public List<ModelVersion> list() {
        return QuarkusTransaction.joiningExisting().call(ModelVersion::all);
    }

    public ModelVersion get(String name, String version) {
        return QuarkusTransaction.joiningExisting().call(() -> ModelVersion.byName(name, version))
                .orElseThrow(() -> new NotFoundException("no model " + name + " " + version + " in the registry"));
    }

    /** The version's figures on the held-back split as configured now, if measured. */
    public Optional<Figures> knownFigures(ModelVersion version) {
        return QuarkusTransaction.joiningExisting().call(() -> ModelEvaluation.of(version.id, evaluator.splitFingerprint())
                .map(this::figures));
    }

    /** The version's figures over the images of this fingerprint (a site's test split), if measured. */
    public Optional<Figures> knownFigures(ModelVersion version, String splitFingerprint) {
        return QuarkusTransaction.joiningExisting().call(() -> ModelEvaluation.of(version.id, splitFingerprint)
                .map(this::figures));
    }

    /**
     * Stores the file and registers it as a candidate, or, with {@code promoteIfFirst} and no promoted version of its
     * name yet (the first import of a model), as the promoted version. The file must load in the workers' detection
     * core.
     *
     * @throws ModelContractException when it does not
     */
    public ModelVersion register(Registration registration, boolean promoteIfFirst) {
        ModelInfo info;
        try (CellDetector detector = CellDetector.load(registration.file(), 1)) {
            info = detector.model();
        }
        // Workers and results-service ignore a promotion whose name or version breaks the events' rule: refused
        // here, such a version is never promoted only to be ignored.
        ModelRef.nameOrVersionProblem("model_name", info.name())
                .or(() -> ModelRef.nameOrVersionProblem("model_version", info.version()))
                .ifPresent(problem -> {
                    throw new ModelContractException("the file's metadata " + problem);
                });
        boolean promote = promoteIfFirst
                && QuarkusTransaction.joiningExisting().call(() -> ModelVersion.promoted(info.name())).isEmpty();
        String sha256;
        long size;
        try {
            sha256 = ModelObjects.sha256(registration.file());
            size = Files.size(registration.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + registration.file(), e);
        }
        Optional<ModelVersion> existing = QuarkusTransaction.joiningExisting()
                .call(() -> ModelVersion.byName(info.name(), info.version()));
        if (existing.isPresent()) {
            if (existing.get().sha256.equals(sha256)) {
                return existing.get();
            }
            throw new VersionConflictException(info.name() + " " + info.version()
                    + " is registered with another file (SHA-256 " + existing.get().sha256 + ")");
        }
        files.ensureBucket();
        String key = files.put(info.name(), info.version(), ModelObjects.MODEL_FILE, registration.file(),
                "application/octet-stream");
        if (registration.metrics() != null && Files.exists(registration.metrics())) {
            files.put(info.name(), info.version(), "metrics.json", registration.metrics(), "application/json");
        }
        Instant now = Instant.now();
        ModelVersion version = new ModelVersion();
        version.name = info.name();
        version.version = info.version();
        version.parentVersion = registration.parentVersion();
        version.status = promote ? ModelStatus.PROMOTED : ModelStatus.CANDIDATE;
        version.bucket = files.bucket();
        version.objectKey = key;
        version.sha256 = sha256;
        version.sizeBytes = size;
        version.classes = info.classes();
        version.inputSize = info.inputSize();
        version.dataset = registration.dataset();
        version.datasetFingerprint = registration.datasetFingerprint();
        version.trainingCommand = registration.command();
        version.trainingSettings = registration.settings();
        version.origin = registration.origin();
        version.createdAt = now;
        version.createdBy = registration.by();
        version.statusChangedAt = now;
        version.statusChangedBy = registration.by();
        storeCard(version, registration.card());
        QuarkusTransaction.requiringNew().run(() -> {
            version.persist();
            StatusChange.record(version, null, registration.by(), "registered from " + registration.origin(), false,
                    null, now);
            if (promote) {
                publisher.publish(new ModelPromoted(version.ref(), null, registration.by(), null, now));
            }
        });
        LOG.infof("Registered %s %s (%s, SHA-256 %s) as %s", version.name, version.version, registration.origin(),
                sha256, version.status);
        return version;
    }

    private void storeCard(ModelVersion version, String card) {
        if (card != null) {
            putFile(version, "card.md", "text/markdown", file -> Files.writeString(file, card, StandardCharsets.UTF_8));
        }
    }

    /** Writes a file of the version through a temporary file, and stores it beside the version's model. */
    private void putFile(ModelVersion version, String fileName, String contentType, FileWriter writer) {
        try {
            Path file = Files.createTempFile("registry", fileName);
            try {
                writer.write(file);
                files.put(version.name, version.version, fileName, file, contentType);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + fileName + " of " + version.name + " " + version.version, e);
        }
    }

    @FunctionalInterface
    private interface FileWriter {
        void write(Path file) throws IOException;
    }

    /**
     * The version's figures on the held-back split, measured now (with the workers' detection core, on the file in
     * object storage) unless they were measured on the same images before.
     */
    public Figures figures(ModelVersion version, PrintStream log) {
        Optional<Figures> known = knownFigures(version);
        if (known.isPresent()) {
            return known.get();
        }
        Path file = fetch(version.ref());
        log.printf("evaluating %s %s on the held-back split%n", version.name, version.version);
        Figures figures = evaluator.evaluate(file, log);
        record(version, figures);
        return figures;
    }

    /**
     * Keeps figures measured outside the registry (a site fine-tune measures its candidate before registering it,
     * and on the site's test split) as the version's evaluation on their images, beside its file as well.
     */
    public void record(ModelVersion version, Figures figures) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                ModelEvaluation evaluation = new ModelEvaluation();
                evaluation.modelVersionId = version.id;
                evaluation.dataset = figures.dataset();
                evaluation.split = figures.split();
                evaluation.splitFingerprint = figures.splitFingerprint();
                evaluation.images = figures.images();
                evaluation.ap50 = figures.ap50();
                evaluation.ap = figures.ap();
                evaluation.metrics = figures.summary();
                evaluation.evaluatedAt = Instant.now();
                evaluation.persist();
            });
        } catch (RuntimeException e) {
            // measured twice at once: the other measurement is stored, and equal
            LOG.debugf("Figures of %s %s already stored: %s", version.name, version.version, e.getMessage());
        }
        storeSummary(version, figures);
    }

    /** The evaluation's summary beside the version's file: {@code heldback-<split>-<fingerprint>.json}. */
    private void storeSummary(ModelVersion version, Figures figures) {
        putFile(version, "heldback-" + figures.split() + "-" + figures.splitFingerprint().substring(0, 12) + ".json",
                "application/json", file -> json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), figures));
    }

    /** The version's file, downloaded once and checked against its SHA-256. */
    public Path fetch(ModelRef model) {
        return files.fetchCached(model, cache);
    }

    /**
     * Promotes a version through the gate: its file must be the registered one and follow the contract, and its
     * figures on the held-back split may be below the promoted version's by at most the tolerances, unless the
     * request overrides the gate with a reason. Publishes {@link ModelPromoted} before the change commits.
     *
     * @throws PromotionRefusedException when the gate refuses
     */
    public Promotion promote(String name, String version, PromotionRequest request) {
        ModelVersion candidate = get(name, version);
        String by = request.by() == null || request.by().isBlank() ? "anonymous" : request.by();
        if (request.override() && (request.reason() == null || request.reason().isBlank())) {
            throw new BadRequestException("an override of the promotion gate needs a reason");
        }
        Optional<ModelVersion> current = QuarkusTransaction.joiningExisting().call(() -> ModelVersion.promoted(name));
        if (candidate.status == ModelStatus.PROMOTED) {
            return new Promotion(candidate, null, true, false, null, List.of(), knownFigures(candidate).orElse(null), null);
        }
        String contract = contractProblem(candidate);
        if (contract != null) {
            throw new PromotionRefusedException(candidate.version, current.map(v -> v.version).orElse(null),
                    List.of(contract), null, null, false);
        }
        PrintStream log = new PrintStream(PrintStream.nullOutputStream());
        Figures figures = figures(candidate, log);
        Figures previousFigures = current.map(v -> figures(v, log)).orElse(null);
        PromotionGate.Verdict verdict = gate.judge(figures, previousFigures);
        if (!verdict.passes() && !request.override()) {
            throw new PromotionRefusedException(candidate.version, current.get().version, verdict.failures(), figures,
                    previousFigures, true);
        }
        boolean overridden = !verdict.passes();
        String reason = overridden ? request.reason() : blankToNull(request.reason());
        ObjectNode compared = json.createObjectNode();
        compared.set("candidate", json.valueToTree(figuresWithoutSummary(figures)));
        compared.set("promoted", previousFigures == null ? null : json.valueToTree(figuresWithoutSummary(previousFigures)));
        compared.set("gateFailures", json.valueToTree(verdict.failures()));
        String previous = switchPromoted(name, version, current.map(v -> v.version).orElse(null), by, reason,
                overridden, compared);
        LOG.infof("Promoted %s %s (was %s) by %s%s", name, version, previous, by,
                overridden ? ", overriding the gate: " + reason : "");
        return new Promotion(get(name, version), previous, false, overridden, reason, verdict.failures(), figures,
                previousFigures);
    }

    /**
     * Promotes a site fine-tune that the site gate let through ({@code SiteGate}): the run judged it against
     * {@code promoted} on the site's test split and BCCD test, and {@code compared} holds those figures.
     *
     * @throws VersionConflictException when another version was promoted meanwhile
     */
    public void promoteJudged(ModelVersion candidate, String promoted, String by, String reason, JsonNode compared) {
        String previous = switchPromoted(candidate.name, candidate.version, promoted, by, reason, false, compared);
        LOG.infof("Promoted %s %s (was %s) by %s: %s", candidate.name, candidate.version, previous, by, reason);
    }

    /** The version promoted and the one in force ({@code current}) retired, on Kafka before the change commits. */
    private String switchPromoted(String name, String version, String current, String by, String reason,
            boolean overridden, JsonNode compared) {
        Instant now = Instant.now();
        return QuarkusTransaction.requiringNew().call(() -> {
            ModelVersion locked = ModelVersion.lock(name, version).orElseThrow();
            Optional<ModelVersion> was = ModelVersion.promoted(name);
            if (was.isPresent() && !Objects.equals(was.get().version, current)) {
                throw new VersionConflictException("another promotion of " + name + " happened meanwhile: "
                        + was.get().version + " is promoted now; try again");
            }
            was.ifPresent(old -> {
                old.status = ModelStatus.RETIRED;
                old.statusChangedAt = now;
                old.statusChangedBy = by;
                old.flush();
                StatusChange.record(old, ModelStatus.PROMOTED, by, "replaced by " + version, false, null, now);
            });
            ModelStatus from = locked.status;
            locked.status = ModelStatus.PROMOTED;
            locked.statusChangedAt = now;
            locked.statusChangedBy = by;
            locked.flush();
            StatusChange.record(locked, from, by, reason, overridden, compared, now);
            String replaced = was.map(v -> v.version).orElse(null);
            // On Kafka before the commit: a failed publish rolls the change back, and the caller may retry.
            publisher.publish(new ModelPromoted(locked.ref(), replaced, by, reason, now));
            return replaced;
        });
    }

    /** Why a worker could not run the stored file, or null when it can. */
    private String contractProblem(ModelVersion version) {
        Path file;
        try {
            file = fetch(version.ref());
        } catch (ModelObjects.ModelFileMismatchException e) {
            return e.getMessage();
        }
        try (CellDetector detector = CellDetector.load(file, 1)) {
            ModelInfo info = detector.model();
            if (!info.name().equals(version.name) || !info.version().equals(version.version)) {
                return "the file says it is " + info.name() + " " + info.version();
            }
            return null;
        } catch (ModelContractException e) {
            return "the file does not follow models/CONTRACT.md: " + e.getMessage();
        }
    }

    /** The version's status changes, oldest first. */
    public List<StatusChange> history(ModelVersion version) {
        return QuarkusTransaction.joiningExisting().call(() -> StatusChange.of(version.id));
    }

    public static Map<String, Object> figuresWithoutSummary(Figures figures) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("dataset", figures.dataset());
        view.put("split", figures.split());
        view.put("splitFingerprint", figures.splitFingerprint());
        view.put("images", figures.images());
        view.put("ap50", figures.ap50());
        view.put("ap", figures.ap());
        return view;
    }

    private Figures figures(ModelEvaluation evaluation) {
        return new Figures(evaluation.dataset, evaluation.split, evaluation.splitFingerprint, evaluation.images,
                evaluation.ap50, evaluation.ap, evaluation.metrics);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** A version that exists with another file, or a promotion that raced another. */
    public static class VersionConflictException extends RuntimeException {
        public VersionConflictException(String message) {
            super(message);
        }
    }
}
