package org.bloodcells.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;

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

    /** The pixels, decoded as the platform decodes an upload. */
    public BufferedImage decode() throws IOException {
        try {
            return ImageDecoder.decode(Files.readAllBytes(file), ImageLimits.PLATFORM);
        } catch (UnusableImageException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
