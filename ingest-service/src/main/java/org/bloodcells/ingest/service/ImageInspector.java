package org.bloodcells.ingest.service;

import org.bloodcells.events.ImageId;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageHeader;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.images.UnusableImageException;

/**
 * Decides whether an uploaded file is an image the platform can work on, with the platform's own decoder (the one
 * detect workers read images with), and names it by its {@link ImageId}. Plain class: no container needed to test it.
 */
public class ImageInspector {

    private final ImageLimits limits;

    public ImageInspector(ImageLimits limits) {
        this.limits = limits;
    }

    /** @throws ImageRejected naming the file and the reason when the bytes are not an acceptable image */
    public InspectedImage inspect(String fileName, byte[] bytes) {
        try {
            ImageHeader header = ImageDecoder.inspect(bytes, limits);
            return new InspectedImage(fileName, ImageId.of(bytes), header.format(), header.width(), header.height(),
                    bytes);
        } catch (UnusableImageException e) {
            throw new ImageRejected(fileName, e.reason(), e.getMessage());
        }
    }
}
