package org.bloodcells.detection;

/**
 * A model file cannot be used: it is missing or unreadable, or its inputs, outputs or metadata do not follow
 * {@code models/CONTRACT.md}. The message says what differs.
 */
public class ModelContractException extends RuntimeException {

    public ModelContractException(String message) {
        super(message);
    }

    public ModelContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
