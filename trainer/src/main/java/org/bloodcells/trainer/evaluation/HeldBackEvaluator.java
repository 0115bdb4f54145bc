package org.bloodcells.trainer.evaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.eval.Evaluation;
import org.bloodcells.eval.EvaluationRequest;
import org.bloodcells.trainer.config.TrainerConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Measures a model on the held-back split with the workers' own detection core: model-eval's {@link Evaluation},
 * COCO's protocol, the post-processing the model carries. The figures the promotion gate compares.
 */
@ApplicationScoped
public class HeldBackEvaluator {

    /** A version's figures over one split's images. */
    public record Figures(String dataset, String split, String splitFingerprint, int images, double ap50, double ap,
            JsonNode summary) {
    }

    private final TrainerConfig.Evaluation config;
    private final Path datasetsDir;
    private final ObjectMapper json;
    private volatile String fingerprint;

    public HeldBackEvaluator(TrainerConfig config, ObjectMapper json) {
        this.config = config.evaluation();
        this.datasetsDir = config.training().datasetsDir();
        this.json = json;
    }

    /** ONNX Runtime threads an evaluation runs with. */
    public int threads() {
        return config.threads();
    }

    public Path datasetDirectory() {
        return datasetsDir.resolve(config.dataset());
    }

    /** The held-back split's fingerprint, over the images evaluated (the configured limit). */
    public String splitFingerprint() {
        String known = fingerprint;
        if (known == null) {
            known = DatasetFingerprint.of(datasetDirectory(), List.of(config.split()), config.limit().orElse(null));
            fingerprint = known;
        }
        return known;
    }

    /** Evaluates the ONNX file on the held-back split; progress lines go to {@code log}. */
    public Figures evaluate(Path model, PrintStream log) {
        return evaluate(model, config.dataset(), datasetDirectory(), config.split(), config.limit().orElse(null),
                splitFingerprint(), log);
    }

    /**
     * Evaluates the ONNX file on another dataset's split (a site's test split) the way the held-back split is: the
     * first {@code limit} images (all when null), the figures naming their fingerprint.
     */
    public Figures evaluate(Path model, String dataset, Path directory, String split, Integer limit, PrintStream log) {
        return evaluate(model, dataset, directory, split, limit,
                DatasetFingerprint.of(directory, List.of(split), limit), log);
    }

    private Figures evaluate(Path model, String dataset, Path directory, String split, Integer limit,
            String fingerprint, PrintStream log) {
        EvaluationRequest request = EvaluationRequest.of(model).withDataset(directory, split).withLimit(limit)
                .withThreads(config.threads());
        try {
            Evaluation.Summary summary = Evaluation.run(request, log);
            return new Figures(dataset, split, fingerprint, summary.images(), summary.metrics().ap50(),
                    summary.metrics().ap(), json.valueToTree(summary));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot evaluate " + model + ": " + e.getMessage(), e);
        }
    }
}
