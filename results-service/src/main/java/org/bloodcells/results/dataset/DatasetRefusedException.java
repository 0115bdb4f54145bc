package org.bloodcells.results.dataset;

/** A dataset that cannot be written as asked: 400 (the request), 409 (the name is taken) or 422 (the images). */
public class DatasetRefusedException extends RuntimeException {

    private final int status;

    public DatasetRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
