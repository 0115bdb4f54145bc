package org.bloodcells.results.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.bloodcells.events.Scale;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.persistence.ImageMembership;
import org.bloodcells.results.persistence.PromotedModel;
import org.bloodcells.results.persistence.ResultQueries;

import io.quarkus.panache.common.Parameters;

/** Answers analysts' questions from the stored results. */
@ApplicationScoped
public class ResultReader {

    /** The slide's and batch's totals are the model's counts; /aggregates gives them with corrections. */
    static final String MODEL_COUNTS = "model";

    private final ResultQueries queries;

    public ResultReader(ResultQueries queries) {
        this.queries = queries;
    }

    @Transactional
    public Optional<ImageResult> image(String imageId) {
        return Image.<Image>findByIdOptional(imageId).map(ResultReader::toResult);
    }

    @Transactional
    public Optional<SlideCounts> slide(String slideId) {
        if (!queries.slideKnown(slideId)) {
            return Optional.empty();
        }
        List<ModelVersion> versions = queries.slideModelVersions(slideId);
        return Optional.of(new SlideCounts(slideId, queries.slideDoneImages(slideId), queries.slideCounts(slideId),
                versions, promoted(versions), MODEL_COUNTS, queries.correctedImages("slideId", slideId)));
    }

    @Transactional
    public Optional<BatchSummary> batch(String batchId) {
        BatchProgress progress = BatchProgress.of(queries.batchImagesByStatus(batchId));
        if (progress.total() == 0) {
            return Optional.empty();
        }
        List<ModelVersion> versions = queries.batchModelVersions(batchId);
        return Optional.of(new BatchSummary(batchId, progress, queries.batchCounts(batchId), versions,
                promoted(versions), MODEL_COUNTS, queries.correctedImages("batchId", batchId)));
    }

    /** The versions in force of the models whose runs make up the totals. */
    private static List<ModelVersion> promoted(List<ModelVersion> counted) {
        Set<String> models = new TreeSet<>();
        counted.forEach(v -> models.add(v.name()));
        return models.stream().flatMap(name -> PromotedModel.of(name).stream())
                .map(p -> new ModelVersion(p.modelName, p.modelVersion)).toList();
    }

    /**
     * Per image and in total, the counts of two versions of a model over a batch's images that have runs of both.
     * Empty when the batch is unknown.
     */
    @Transactional
    public Optional<BatchComparison> compare(String batchId, String model, String from, String to) {
        List<String> ids = Image.getEntityManager().createQuery(
                "select distinct i.imageId from Image i where i.imageId in (" + ImageMembership.IMAGES_OF_BATCH
                        + ") order by i.imageId", String.class)
                .setParameter("batchId", batchId).getResultList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Map<String, DetectionRun>> runs = new HashMap<>();
        for (DetectionRun run : DetectionRun.<DetectionRun>list("""
                modelName = :model and modelVersion in (:versions)
                and imageId in (%s)""".formatted(ImageMembership.IMAGES_OF_BATCH),
                Parameters.with("model", model).and("versions", List.of(from, to)).and("batchId", batchId))) {
            runs.computeIfAbsent(run.imageId, k -> new HashMap<>()).put(run.modelVersion, run);
        }
        List<BatchComparison.ImageComparison> images = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        Map<String, Long> fromTotals = new TreeMap<>();
        Map<String, Long> toTotals = new TreeMap<>();
        for (String id : ids) {
            Map<String, DetectionRun> both = runs.getOrDefault(id, Map.of());
            DetectionRun a = both.get(from);
            DetectionRun b = both.get(to);
            if (a == null || b == null) {
                pending.add(id);
                continue;
            }
            Map<String, Integer> difference = new TreeMap<>();
            Set<String> classes = new TreeSet<>(a.counts.keySet());
            classes.addAll(b.counts.keySet());
            for (String cls : classes) {
                int x = a.counts.getOrDefault(cls, 0);
                int y = b.counts.getOrDefault(cls, 0);
                difference.put(cls, y - x);
                fromTotals.merge(cls, (long) x, Long::sum);
                toTotals.merge(cls, (long) y, Long::sum);
            }
            images.add(new BatchComparison.ImageComparison(id, new TreeMap<>(a.counts), new TreeMap<>(b.counts),
                    difference));
        }
        Map<String, Long> totalDifference = new TreeMap<>();
        Set<String> classes = new TreeSet<>(fromTotals.keySet());
        classes.addAll(toTotals.keySet());
        classes.forEach(c -> totalDifference.put(c, toTotals.getOrDefault(c, 0L) - fromTotals.getOrDefault(c, 0L)));
        return Optional.of(new BatchComparison(batchId, model, from, to, images, pending,
                new BatchComparison.Totals(images.size(), fromTotals, toTotals, totalDifference)));
    }

    private static ImageResult toResult(Image image) {
        ImageResult.Failure failure = image.failureReason == null && image.failureStage == null ? null
                : new ImageResult.Failure(image.failureStage, image.failureReason, image.failedAt);
        DetectionRun run = image.currentRun;
        ImageResult.Detection detection = run == null ? null
                : new ImageResult.Detection(run.modelName, run.modelVersion, run.imageWidth, run.imageHeight,
                        new TreeMap<>(run.counts), List.copyOf(run.cells), run.inferenceMillis, run.workerId,
                        run.detectedAt, run.scaleSource == null ? null : new Scale(run.micronsPerPixel,
                                run.scaleSource), run.tiles, !run.outOfDistribution.isEmpty(),
                        List.copyOf(run.outOfDistribution));
        return new ImageResult(image.imageId, image.status, image.scannerId, image.slideId, image.batchId,
                image.objectKey, image.uploadedAt, failure, detection);
    }
}
