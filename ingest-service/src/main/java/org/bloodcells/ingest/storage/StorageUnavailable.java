package org.bloodcells.ingest.storage;

/** Object storage did not answer as expected; the client should retry later. */
public class StorageUnavailable extends RuntimeException {

    public StorageUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
