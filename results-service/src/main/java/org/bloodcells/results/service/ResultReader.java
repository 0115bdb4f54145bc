package org.bloodcells.results.service;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.bloodcells.events.Scale;
import org.bloodcells.results.persistence.DetectionRun;
import org.bloodcells.results.persistence.Image;
import org.bloodcells.results.persistence.ResultQueries;

/** Answers analysts' questions from the stored results. */
@ApplicationScoped
public class ResultReader {

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
        return Optional.of(new SlideCounts(slideId, queries.slideDoneImages(slideId), queries.slideCounts(slideId),
                queries.slideModelVersions(slideId)));
    }

    @Transactional
    public Optional<BatchSummary> batch(String batchId) {
        BatchProgress progress = BatchProgress.of(queries.batchImagesByStatus(batchId));
        if (progress.total() == 0) {
            return Optional.empty();
        }
        return Optional.of(new BatchSummary(batchId, progress, queries.batchCounts(batchId),
                queries.batchModelVersions(batchId)));
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
