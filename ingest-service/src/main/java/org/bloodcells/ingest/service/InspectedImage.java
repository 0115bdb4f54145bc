package org.bloodcells.ingest.service;

import org.bloodcells.images.ImageFormat;

/**
 * An upload that decoded as an accepted image within the limits.
 *
 * @param fileName name the client gave the file
 * @param imageId  lower-case hex SHA-256 of {@code bytes}
 * @param format   format detected from the bytes, whatever the client declared
 * @param width    pixels
 * @param height   pixels
 * @param bytes    the file as uploaded
 */
public record InspectedImage(String fileName, String imageId, ImageFormat format, int width, int height, byte[] bytes) {
}
