package org.bloodcells.ingest.service;

import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageHeader;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;

/**
 * Decides whether a staged upload is an image the platform can work on, with the platform's own decoder (the one
 * detect workers read images with), reading it from disk. Plain class: no container needed to test it.
 */
public class ImageInspector {

    private final ImageLimits limits;

    public ImageInspector(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    /** @throws ImageRejected naming the file and the reason when the bytes are not an acceptable image */
    public InspectedImage inspect(StagedFile file) {
        try {
            ImageHeader header = ImageDecoder.inspect(file.path(), limits);
            return new InspectedImage(file, header.format(), header.width(), header.height());
        } catch (UnusableImageException e) {
            throw new ImageRejected(file.fileName(), e.reason(), e.getMessage());
        }
    }
}
