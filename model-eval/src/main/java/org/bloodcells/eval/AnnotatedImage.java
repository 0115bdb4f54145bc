package org.bloodcells.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * An image of a dataset with its ground truth.
 *
 * @param id    the VOC image id (file name without extension)
 * @param file  the image file
 * @param boxes annotated cells
 */
public record AnnotatedImage(String id, Path file, int width, int height, List<GroundTruthBox> boxes) {

    public AnnotatedImage {
        boxes = List.copyOf(boxes);
    }
}
