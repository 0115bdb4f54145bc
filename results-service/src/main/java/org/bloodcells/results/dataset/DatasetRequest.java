package org.bloodcells.results.dataset;

import java.util.List;

/**
 * A corrections dataset to write: its name and the image list's filters ({@code GET /images}); {@code from} and
 * {@code to} are short for {@code uploadedFrom} and {@code uploadedTo}.
 *
 * @param name {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}: the prefix {@code datasets/<name>/} in the images bucket
 */
public record DatasetRequest(String name, String scanner, String slide, String batch, String model, String version,
        String from, String to, String uploadedFrom, String uploadedTo, String detectedFrom, String detectedTo,
        List<String> count, String review, Boolean flagged) {
}
