package org.bloodcells.events;

import java.util.Optional;
import java.util.regex.Pattern;

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

    /**
     * A model's name and version: they are folders of the registry's object keys and of a worker's model cache
     * ({@code <name>/<version>/...}), and labels of metrics, so no path separator, space or dot-only segment.
     */
    private static final Pattern NAME_OR_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");

    /** @return why this cannot name a version a worker may fetch and run; empty when it can */
    public Optional<String> problem() {
        return Rules.firstOf(
                () -> nameOrVersionProblem("model name", name),
                () -> nameOrVersionProblem("model version", version),
                () -> Rules.required("model bucket", bucket),
                () -> Rules.required("model objectKey", objectKey),
                () -> ImageId.problem("model sha256", sha256));
    }

    /**
     * The one rule for a model's name or version, wherever one is written (the registry, a training request, a run's
     * detections).
     *
     * @return what is wrong with {@code value} as the name or version called {@code field}; empty when it is valid
     */
    public static Optional<String> nameOrVersionProblem(String field, String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(field + " is required");
        }
        if (!NAME_OR_VERSION.matcher(value).matches()) {
            return Optional.of(field + " must be 1 to 64 letters, digits, '.', '_', '+' or '-' starting with a letter"
                    + " or digit, was '" + FileNameRule.printable(value) + "'");
        }
        return Optional.empty();
    }
}
