package org.bloodcells.ingest.service;

/** A request the client must correct that is not about one file's content: a missing field, no file at all. */
public class InvalidUpload extends RuntimeException {

    public InvalidUpload(String message) {
        super(message);
    }
}
