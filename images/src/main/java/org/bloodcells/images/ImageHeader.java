package org.bloodcells.images;

/** What {@link ImageDecoder#inspect} found out about an acceptable image. */
public record ImageHeader(ImageFormat format, int width, int height) {
}
