package org.bloodcells.images;

/**
 * The largest image, in bytes and in pixels per side, that is accepted.
 *
 * <p>{@link #PLATFORM} is the one home of the platform's limits: detect workers decode anything within them, and
 * ingest-service accepts uploads within them unless it is configured stricter. Ingest may never be looser: an image
 * it acknowledged but no worker could decode would be lost to the analysts.
 */
public record ImageLimits(long maxBytes, int maxWidth, int maxHeight) {

    /**
     * 50 MiB and 10 000 pixels per side: a decoded 8-bit RGB image then needs about 300 MB (16-bit or alpha
     * images up to about 800 MB), which a worker's heap must allow for.
     */
    public static final ImageLimits PLATFORM = new ImageLimits(50L * 1024 * 1024, 10_000, 10_000);

    public ImageLimits {
        if (maxBytes < 1 || maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException("Image limits must be positive, were " + maxBytes + " bytes, "
                    + maxWidth + "x" + maxHeight + " pixels");
        }
    }

    /**
     * @return these limits
     * @throws IllegalArgumentException naming the limit that is looser than {@code outer}'s
     */
    public ImageLimits requireWithin(ImageLimits outer) {
        if (maxBytes > outer.maxBytes) {
            throw new IllegalArgumentException("at most " + outer.maxBytes + " bytes per image, not " + maxBytes);
        }
        if (maxWidth > outer.maxWidth || maxHeight > outer.maxHeight) {
            throw new IllegalArgumentException("at most " + outer.maxWidth + "x" + outer.maxHeight
                    + " pixels per image, not " + maxWidth + "x" + maxHeight);
        }
        return this;
    }
}
