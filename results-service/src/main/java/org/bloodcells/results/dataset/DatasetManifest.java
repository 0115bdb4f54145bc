package org.bloodcells.results.dataset;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import org.bloodcells.images.AnnotationsFingerprint;

/**
 * {@code datasets/<name>/dataset.json}, written last: its presence means the dataset is complete.
 *
 * @param images      how many images (and annotations) it holds
 * @param splits      images per split: train, val, test
 * @param fingerprint see {@link #fingerprint}
 * @param filter      the image list's filters it was made with, as given
 */
public record DatasetManifest(String name, int images, Map<String, Integer> splits, String fingerprint,
        List<String> classes, Map<String, Object> filter, String createdBy, Instant createdAt) {

    /** {@link AnnotationsFingerprint} of the annotations' XML (UTF-8), by image id. */
    public static String fingerprint(SortedMap<String, String> annotationsById) {
        SortedMap<String, byte[]> bytes = new java.util.TreeMap<>();
        annotationsById.forEach((id, xml) -> bytes.put(id, xml.getBytes(StandardCharsets.UTF_8)));
        return AnnotationsFingerprint.of(bytes);
    }
}
