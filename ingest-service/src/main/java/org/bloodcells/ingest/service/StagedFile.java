package org.bloodcells.ingest.service;

import java.nio.file.Path;

/**
 * One file of an upload as it lies on local disk, read once: its size and SHA-256 were taken while it was written
 * there, so nothing needs the whole file in memory.
 *
 * @param fileName the name the client gave it (for answers only: never logged, never stored as a key)
 * @param path     where it is staged
 * @param size     bytes
 * @param imageId  lower-case hex SHA-256 of the bytes: the image's id
 */
public record StagedFile(String fileName, Path path, long size, String imageId) {
}
