package org.bloodcells.events;

/**
 * One version of a model as the registry stores it: enough for a worker to fetch the file and know it is the one
 * the registry evaluated.
 *
 * @param name      the model's name (its ONNX metadata {@code model_name})
 * @param version   its version (metadata {@code model_version})
 * @param bucket    the object storage bucket holding the ONNX file
 * @param objectKey the file's key in that bucket
 * @param sha256    SHA-256 of the file, lower-case hex: a worker refuses a file that does not match
 */
public record ModelRef(String name, String version, String bucket, String objectKey, String sha256) {
}
