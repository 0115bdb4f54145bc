package org.bloodcells.storage;

/**
 * Object storage did not answer as expected right now. What was being stored or read is probably
 * fine: ingest answers 503 so the scanner retries, the detect worker fails the message for
 * re-delivery instead of dead-lettering the image.
 */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
