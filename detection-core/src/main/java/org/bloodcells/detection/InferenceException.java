package org.bloodcells.detection;

/** ONNX Runtime failed while running a model that had passed the contract checks (for example out of memory). */
public class InferenceException extends RuntimeException {

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
