/**
 * Runs an EfficientDet ONNX model that follows {@code models/CONTRACT.md} over images.
 *
 * <p>{@link org.bloodcells.detection.CellDetector} is the entry point: {@code load} checks the model against the
 * contract, {@code detect}/{@code detectBatch} return {@link org.bloodcells.detection.DetectionResult}s in original
 * pixels; {@link org.bloodcells.detection.ImageDecoder} decodes bytes for callers that batch. The steps are
 * package-private classes, each unit-tested on its own: {@code RgbImage} (any decoded image to 8-bit RGB),
 * {@code Preprocessor} and {@code Letterbox} (the model input), {@code ModelMetadata}, {@code ModelSignature} and {@code AnchorGrid} (the contract), {@code BoxDecoder},
 * {@code NonMaxSuppression} and {@code PostProcessor} (outputs to detections).
 */
package org.bloodcells.detection;
