package org.bloodcells.ingest.service;

import org.bloodcells.images.ImageFormat;

/**
 * An upload that decoded as an accepted image within the limits.
 *
 * @param file   the staged file: name, path, size and id (its SHA-256)
 * @param format format detected from the bytes, whatever the client declared
 * @param width  pixels
 * @param height pixels
 */
public record InspectedImage(StagedFile file, ImageFormat format, int width, int height) {

    public String fileName() {
        return file.fileName();
    }

    public String imageId() {
        return file.imageId();
    }
}
