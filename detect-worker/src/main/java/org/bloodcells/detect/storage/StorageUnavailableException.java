package org.bloodcells.detect.storage;

/**
 * Object storage could not be read right now. The image is probably fine, so the message is
 * failed and retried rather than dead-lettered.
 */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
