package org.bloodcells.detect.storage;

/**
 * The image an event points at is not in object storage. Retrying will not bring it back, so
 * the event is dead-lettered.
 */
public class ImageMissingException extends Exception {

    public ImageMissingException(String message) {
        super(message);
    }
}
