package org.bloodcells.ingest.messaging;

/** Kafka did not take an event durably; the client should retry later. */
public class PublishFailed extends RuntimeException {

    public PublishFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
