package org.bloodcells.ingest.service;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The image formats ingest accepts: the ones a scanner writes and ImageIO decodes without plug-ins. */
public enum ImageFormat {
    JPEG("image/jpeg", "jpg", "jpeg", "jpg"),
    PNG("image/png", "png", "png"),
    BMP("image/bmp", "bmp", "bmp"),
    TIFF("image/tiff", "tif", "tif", "tiff");

    private final String mediaType;
    private final String extension;
    private final String[] imageIoNames;

    ImageFormat(String mediaType, String extension, String... imageIoNames) {
        this.mediaType = mediaType;
        this.extension = extension;
        this.imageIoNames = imageIoNames;
    }

    public String mediaType() {
        return mediaType;
    }

    /** File name extension of the stored object. */
    public String extension() {
        return extension;
    }

    /** The format for an ImageIO reader's format name ({@code JPEG}, {@code png}, {@code tif}, ...), if accepted. */
    public static Optional<ImageFormat> ofImageIoName(String formatName) {
        String name = formatName.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(format -> Arrays.asList(format.imageIoNames).contains(name))
                .findFirst();
    }
}
