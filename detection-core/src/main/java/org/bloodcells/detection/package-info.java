/**
 * Runs an EfficientDet ONNX model that follows {@code models/CONTRACT.md} over images: what a detect worker needs,
 * and nothing more (evaluation tooling is the {@code model-eval} module's).
 *
 * <p>{@link org.bloodcells.detection.CellDetector} is the entry point: {@code load} checks the model against the
 * contract and takes the post-processing {@link org.bloodcells.detection.DetectorSettings} the model carries,
 * {@code detect}/{@code detectBatch} return {@link org.bloodcells.detection.DetectionResult}s in original
 * pixels; bytes are decoded by the platform's {@code org.bloodcells.images.ImageDecoder}. The steps are
 * package-private classes, each unit-tested on its own: {@code RgbImage} (any decoded image to 8-bit RGB),
 * {@code Preprocessor} and {@code Letterbox} (the model input), {@code ModelMetadata}, {@code ModelSignature} and {@code AnchorGrid} (the contract), {@code BoxDecoder},
 * {@code NonMaxSuppression} and {@code PostProcessor} (outputs to detections), {@code InputPlanner} and
 * {@code TilePlan} (scale and tiles), {@code TileMerge}, {@code ScaleSearch} and {@code CountThresholds} (tiles merged,
 * an unknown scale found, cells counted). {@code ModelSession} alone calls ONNX Runtime: the session and the batched
 * run, which a pipeline reaches only through {@code CellDetector.infer}, an image's further looks included
 * ({@link org.bloodcells.detection.DetectionStep}).
 */
package org.bloodcells.detection;
