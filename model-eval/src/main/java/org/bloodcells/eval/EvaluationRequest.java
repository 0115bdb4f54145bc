package org.bloodcells.eval;

import java.nio.file.Path;

import org.bloodcells.detection.DetectorSettings;

/**
 * One evaluation of a model on a split of a PASCAL VOC dataset, as {@link Evaluation#run} takes it: what the command
 * line {@link EvaluateModel} parses and the trainer builds. The defaults live here, and the command line shows them.
 *
 * @param model          the ONNX file
 * @param dataset        the PASCAL VOC dataset's folder
 * @param split          its split
 * @param limit          only the split's first N images; null: all of them
 * @param threads        ONNX Runtime intra-op threads
 * @param batch          images per model run
 * @param postProcessing how the model's own post-processing is changed
 * @param json           where to write the summary as JSON; null: nowhere
 * @param pictures       which ground truth | prediction pictures to draw; null: none
 */
public record EvaluationRequest(Path model, Path dataset, String split, Integer limit, int threads, int batch,
        PostProcessing postProcessing, Path json, Pictures pictures) {

    /** The project's own copy of BCCD, relative to the repository's root. */
    public static final Path DEFAULT_DATASET = Path.of("datasets/bccd");
    public static final String DEFAULT_SPLIT = "test";
    public static final int DEFAULT_THREADS = 2;
    public static final int DEFAULT_BATCH = 1;

    public EvaluationRequest {
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive, was " + batch);
        }
    }

    /** The model on the default dataset and split, with the defaults above, COCO's protocol and no files written. */
    public static EvaluationRequest of(Path model) {
        return new EvaluationRequest(model, DEFAULT_DATASET, DEFAULT_SPLIT, null, DEFAULT_THREADS, DEFAULT_BATCH,
                PostProcessing.COCO, null, null);
    }

    public EvaluationRequest withDataset(Path directory, String splitName) {
        return new EvaluationRequest(model, directory, splitName, limit, threads, batch, postProcessing, json,
                pictures);
    }

    public EvaluationRequest withLimit(Integer images) {
        return new EvaluationRequest(model, dataset, split, images, threads, batch, postProcessing, json, pictures);
    }

    public EvaluationRequest withThreads(int intraOpThreads) {
        return new EvaluationRequest(model, dataset, split, limit, intraOpThreads, batch, postProcessing, json,
                pictures);
    }

    public EvaluationRequest withBatch(int images) {
        return new EvaluationRequest(model, dataset, split, limit, threads, images, postProcessing, json, pictures);
    }

    public EvaluationRequest withJson(Path file) {
        return new EvaluationRequest(model, dataset, split, limit, threads, batch, postProcessing, file, pictures);
    }

    public EvaluationRequest withPictures(Pictures drawn) {
        return new EvaluationRequest(model, dataset, split, limit, threads, batch, postProcessing, json, drawn);
    }

    /**
     * The model's own post-processing (its metadata), except what COCO evaluation fixes, and except the settings an
     * experiment names; a null setting is the model's.
     */
    public record PostProcessing(double scoreThreshold, int maxDetections, Double nmsIouThreshold,
            Integer testTimeFlips, Double boxVotingIou, Double softNmsSigma) {

        /** COCO's protocol: every detection scoring above 0.001, at most 100 (maxDets) per image; the rest as is. */
        public static final PostProcessing COCO = new PostProcessing(0.001, 100, null, null, null, null);

        /** The model's settings, changed as this says. */
        public DetectorSettings applyTo(DetectorSettings model) {
            DetectorSettings s = model.withScoreThreshold(scoreThreshold).withMaxDetections(maxDetections);
            s = nmsIouThreshold == null ? s : s.withNmsIouThreshold(nmsIouThreshold);
            s = testTimeFlips == null ? s : s.withTestTimeFlips(testTimeFlips);
            s = boxVotingIou == null ? s : s.withBoxVotingIou(boxVotingIou);
            return softNmsSigma == null ? s : s.withSoftNmsSigma(softNmsSigma);
        }
    }

    /**
     * Side-by-side pictures of the first images, ground truth and prediction.
     *
     * @param directory where the PNGs go
     * @param count     how many images
     * @param minScore  the lowest score drawn; null: the model's counting threshold
     */
    public record Pictures(Path directory, int count, Double minScore) {

        public static final int DEFAULT_COUNT = 6;

        public static Pictures of(Path directory) {
            return new Pictures(directory, DEFAULT_COUNT, null);
        }

        public Pictures withCount(int images) {
            return new Pictures(directory, images, minScore);
        }
    }
}
